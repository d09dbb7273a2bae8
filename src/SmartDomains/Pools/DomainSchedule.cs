using Newtonsoft.Json;

namespace SmartDomains.Pools;

/// <summary>What a domain does when its window closes.</summary>
public enum OutsideAction { Save, Shutdown, Destroy }

/// <summary>What a domain should be at some moment, by its schedule.</summary>
public enum DesiredState { Running, Saved, Stopped }

/// <summary>
/// A domain's "schedule": the windows in which it runs, in an IANA time zone (the controller's own when none is given),
/// and what happens outside them. A domain without a schedule runs always.
/// </summary>
public sealed class DomainSchedule
{
    public IReadOnlyList<string> Windows { get; init; } = Array.Empty<string>();
    /// <summary>An IANA zone ("Europe/Zurich"); null: the controller's local zone.</summary>
    public string? TimeZone { get; init; }
    public OutsideAction Outside { get; init; } = OutsideAction.Shutdown;

    private IReadOnlyList<ScheduleWindow>? _parsed;

    [JsonIgnore]
    public IReadOnlyList<ScheduleWindow> Parsed => _parsed ??= Windows.Select(w => ScheduleWindow.TryParse(w, out _)!).Where(w => w is not null).ToArray();

    [JsonIgnore]
    public TimeZoneInfo Zone => TimeZone is null ? TimeZoneInfo.Local : TimeZoneInfo.FindSystemTimeZoneById(TimeZone);

    /// <summary>The zone's time at <paramref name="at"/>, as a wall clock.</summary>
    public DateTime LocalTime(DateTimeOffset at) => TimeZoneInfo.ConvertTime(at, Zone).DateTime;

    public bool IsOpen(DateTimeOffset at) => OpenWindow(at) is not null;

    /// <summary>The first window that contains <paramref name="at"/>, or null when none does.</summary>
    public ScheduleWindow? OpenWindow(DateTimeOffset at)
    {
        var local = LocalTime(at);
        return Parsed.FirstOrDefault(w => w.Contains(local));
    }

    public DesiredState DesiredAt(DateTimeOffset at) =>
        IsOpen(at) ? DesiredState.Running : Outside == OutsideAction.Save ? DesiredState.Saved : DesiredState.Stopped;

    /// <summary>When the desired state next changes after <paramref name="at"/> (within two weeks), or null if it never does.</summary>
    public DateTimeOffset? NextChange(DateTimeOffset at)
    {
        var zone = Zone;
        var local = LocalTime(at);
        var open = IsOpen(at);
        var edges = Enumerable.Range(-1, 16).SelectMany(d => Parsed.SelectMany(w => w.EdgesOn(local.Date.AddDays(d))))
            .Where(e => e > local).Distinct().Order();
        foreach (var edge in edges)
        {
            // A wall-clock time skipped by a DST jump happens at the jump's end.
            var wall = edge;
            while (zone.IsInvalidTime(wall)) wall = wall.AddMinutes(1);
            var instant = new DateTimeOffset(wall, zone.GetUtcOffset(wall));
            if (instant > at && IsOpen(instant) != open) return instant;
        }
        return null;
    }

    /// <summary>"Mon-Fri 19:00-07:00, Sat-Sun (Europe/Zurich)".</summary>
    public override string ToString() => $"{string.Join(", ", Windows)} ({TimeZone ?? "local time"})";
}

/// <summary>What guest-initiated poweroff means to the watcher.</summary>
public enum GuestPoweroffAction { Leave, Restart }

/// <summary>
/// A domain's "restart": how many times Sync-XenPool restarts it after a crash or disappearance before it gives up, and
/// how long the domain must run without one for the count to start again.
/// </summary>
public sealed class RestartPolicy
{
    public const int DefaultRetries = 3;
    public static readonly TimeSpan DefaultResetAfter = TimeSpan.FromHours(1);

    public int Retries { get; init; } = DefaultRetries;
    public TimeSpan ResetAfter { get; init; } = DefaultResetAfter;
    public GuestPoweroffAction GuestPoweroff { get; init; } = GuestPoweroffAction.Leave;
}

/// <summary>The pool's "images": where base images come from and where saved images go (local repository paths).</summary>
public sealed class PoolImages
{
    public string? Base { get; init; }
    public string? Saved { get; init; }
}
