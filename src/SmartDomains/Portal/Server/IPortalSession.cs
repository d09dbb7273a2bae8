using SmartDomains.Planning;

namespace SmartDomains.Portal.Server;

public enum PortalRunAction { Start, Sync, Stop, Save, Clear }

/// <summary>
/// One run the page asks for. Start, Sync, Stop and Save act on the pool of <see cref="PoolFile"/> (a full path under the
/// portal's folder); Save also names a <see cref="Repository"/>; Clear acts on <see cref="Hosts"/> (null: every connected host).
/// </summary>
public sealed record PortalRunRequest(PortalRunAction Action, string? PoolFile, string? Repository, IReadOnlyList<string>? Hosts)
{
    /// <summary>Runs with one key do not overlap: a pool's runs share its file's key; Clear touches every pool.</summary>
    public string Key => Action == PortalRunAction.Clear ? "*" : PoolFile ?? "";
}

/// <summary>A record a run produced, as the page gets it. Kind: progress, verbose, information, warning, error, output, host (text a
/// cmdlet wrote to the host, such as -WhatIf lines) or state. Host and Domain name what it is about, when that is known.</summary>
public sealed record PortalRunEvent(string Kind, string Text, string? Host = null, string? Domain = null, object? Data = null);

/// <summary>Where a run's records go as they happen; called from any thread.</summary>
public interface IPortalRunEvents
{
    void Add(PortalRunEvent record);
}

/// <summary>The hosts of the session as Get-XenHost and Get-XenDomain return them.</summary>
public sealed record PortalHosts(IReadOnlyList<object> Hosts, IReadOnlyList<object> Domains, IReadOnlyList<string> Errors);

/// <summary>
/// What the server asks of the PowerShell session it serves: the module's own cmdlets on the session's connected hosts. The
/// server has no PowerShell types; SmartDomains.Commands implements this. A failure the page should show in words is a
/// <see cref="PortalSessionException"/> (or the core's own exception, such as PoolFileInvalidException).
/// </summary>
public interface IPortalSession
{
    /// <summary>New-XenPool -Path on the connected hosts.</summary>
    Task<XenPool> PlanAsync(string poolFile, CancellationToken cancellation);

    Task<PortalHosts> HostsAsync(CancellationToken cancellation);

    /// <summary>Get-XenImage -Repository (a path relative to the portal's folder, or absolute).</summary>
    Task<IReadOnlyList<object>> ImagesAsync(string repository, CancellationToken cancellation);

    /// <summary>The run with -WhatIf: what it would do, as the cmdlets say it.</summary>
    Task<string> PreviewAsync(PortalRunRequest request, CancellationToken cancellation);

    /// <summary>The run for real; every record goes to <paramref name="events"/> as it comes.</summary>
    Task RunAsync(PortalRunRequest request, IPortalRunEvents events, CancellationToken cancellation);
}

/// <summary>A session command failed in a way the page shows as it is.</summary>
public sealed class PortalSessionException : Exception
{
    public PortalSessionException(string message, Exception? inner = null) : base(message, inner) { }
}
