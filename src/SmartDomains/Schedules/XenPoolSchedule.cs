using Newtonsoft.Json.Linq;

namespace SmartDomains.Schedules;

/// <summary>A registered schedule and how its last pass went (the last line of its log).</summary>
public sealed class XenPoolSchedule
{
    public required string Name { get; init; }
    public required string Pool { get; init; }
    public required string Every { get; init; }
    public ScheduleKind Kind { get; init; }
    public ScheduleScope Scope { get; init; }
    public required string Runbook { get; init; }
    public required string LogPath { get; init; }
    public DateTimeOffset? LastRun { get; init; }
    /// <summary>Clean, Drift or Failed, as the runbook wrote it; null before the first pass.</summary>
    public string? LastResult { get; init; }
    /// <summary>The last pass's log line as written (counts, drift, errors).</summary>
    public string? LastLine { get; init; }
    public DateTimeOffset? NextRun { get; init; }
    public required string PoolPath { get; init; }
    public DateTimeOffset Registered { get; init; }

    public static XenPoolSchedule From(ScheduleManifest m, DateTimeOffset? nextRun = null)
    {
        var line = ReadLastLine(m.LogPath);
        JObject? last = null;
        // The time stays text, so its offset is read as the runbook wrote it.
        try { last = line is null ? null : Newtonsoft.Json.JsonConvert.DeserializeObject<JObject>(line, new Newtonsoft.Json.JsonSerializerSettings { DateParseHandling = Newtonsoft.Json.DateParseHandling.None }); }
        catch (Newtonsoft.Json.JsonException) { }
        return new XenPoolSchedule
        {
            Name = m.Name, Pool = m.Pool, Every = m.Every, Kind = m.Kind, Scope = m.Scope, Runbook = m.Runbook, LogPath = m.LogPath,
            PoolPath = m.PoolPath, Registered = m.Registered, LastLine = line,
            LastRun = DateTimeOffset.TryParse(last?["time"]?.ToString(), System.Globalization.CultureInfo.InvariantCulture, System.Globalization.DateTimeStyles.None, out var t) ? t : null,
            LastResult = last?["result"]?.ToString(),
            NextRun = nextRun ?? (m.Kind == ScheduleKind.Cron ? ScheduleInterval.Parse(m.Every).NextCronRun(DateTimeOffset.Now) : null),
        };
    }

    /// <summary>The last non-empty line of a log that may be long: only its tail is read.</summary>
    public static string? ReadLastLine(string path)
    {
        if (!File.Exists(path)) return null;
        using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
        var tail = (int)Math.Min(stream.Length, 256 * 1024);
        stream.Seek(-tail, SeekOrigin.End);
        var buffer = new byte[tail];
        stream.ReadExactly(buffer);
        return System.Text.Encoding.UTF8.GetString(buffer).Split('\n').LastOrDefault(l => l.Trim().Length > 0)?.Trim();
    }
}
