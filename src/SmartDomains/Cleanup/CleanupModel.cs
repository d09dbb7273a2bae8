using SmartDomains.State;

namespace SmartDomains.Cleanup;

/// <summary>What a cleaning run did (or, with -WhatIf, would do) with one journaled resource.</summary>
public enum CleanupStatus { Planned, Removed, Failed, Kept }

/// <summary>How a whole host came out of a cleaning run.</summary>
public enum CleanupOutcome
{
    /// <summary>Everything in scope was undone (for Clear-XenHost: the journal and its lock are gone too).</summary>
    Clean,
    /// <summary>The journal listed nothing in scope.</summary>
    NothingToDo,
    /// <summary>Some resources were removed, some failed or were kept; a rerun finishes the job.</summary>
    Partial,
    /// <summary>The host could not be read or locked, or it went away midway; a rerun finishes the job.</summary>
    Failed,
    /// <summary>-WhatIf: nothing was changed.</summary>
    WhatIf,
}

/// <summary>The actions a cleaning step takes.</summary>
public static class CleanupActions
{
    public const string Destroy = "Destroy";            // xl destroy of a running domain the module created
    public const string Shutdown = "Shutdown";          // graceful xl shutdown, then destroy when it times out
    public const string Forget = "Forget";              // journaled as gone; nothing on the host to remove
    public const string Save = "Save";                  // -SaveImages
    public const string Remove = "Remove";              // a file, volume or directory
}

/// <summary>One resource of a cleaning run: what it is, what is done with it, the exact host commands, and how it went.</summary>
public sealed class CleanupItem
{
    public required string Kind { get; init; }
    public required string Resource { get; init; }
    public string? Pool { get; init; }
    public string? Domain { get; init; }
    public required string Action { get; set; }
    public CleanupStatus Status { get; set; } = CleanupStatus.Planned;
    /// <summary>Why it failed or was kept, or what was done.</summary>
    public string? Message { get; set; }
    public XenHostException? Error { get; set; }
    /// <summary>The host commands that remove it (each wrapped in journal lines undo ... undone).</summary>
    public List<string> Commands { get; } = new();
    /// <summary>The journal's last word on it before the run: done, begin, failed, undo.</summary>
    public string? JournalState { get; init; }

    internal JournalResource? Record { get; init; }

    public override string ToString() => $"{Action} {Kind} {Resource}: {Status}";
}

/// <summary>One host's report from Clear-XenHost or Remove-XenPool.</summary>
public sealed class XenCleanupReport
{
    public required string Host { get; init; }
    /// <summary>The pool (Remove-XenPool), or null for the whole host (Clear-XenHost).</summary>
    public string? Pool { get; init; }
    public CleanupOutcome Status { get; set; }
    public List<CleanupItem> Items { get; } = new();
    public IReadOnlyList<CleanupItem> Removed => Items.Where(i => i.Status == CleanupStatus.Removed).ToArray();
    public IReadOnlyList<CleanupItem> Failed => Items.Where(i => i.Status == CleanupStatus.Failed).ToArray();
    public IReadOnlyList<CleanupItem> Kept => Items.Where(i => i.Status == CleanupStatus.Kept).ToArray();
    public IReadOnlyList<CleanupItem> Planned => Items.Where(i => i.Status == CleanupStatus.Planned).ToArray();
    /// <summary>Every host command of the run in order (with -WhatIf: that would run), lease and journal removal included.</summary>
    public List<string> Commands { get; } = new();
    /// <summary>True when the journal, its lock and the lease were removed: the module left nothing on the host.</summary>
    public bool JournalRemoved { get; set; }
    public string? Message { get; set; }
    /// <summary>The host-level failure (unreachable, busy), if any; per-resource failures are on the items.</summary>
    public XenHostException? Error { get; set; }
    public TimeSpan Duration { get; set; }

    public override string ToString() => $"{Host}{(Pool is null ? "" : $" ({Pool})")}: {Status}, {Removed.Count} removed, {Failed.Count} failed, {Kept.Count} kept";
}
