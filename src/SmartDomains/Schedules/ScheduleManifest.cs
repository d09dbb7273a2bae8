using Newtonsoft.Json;

namespace SmartDomains.Schedules;

/// <summary>
/// What Register-XenPoolSchedule wrote for one schedule: the files, the crontab lines, the timer or task. Unregister reads
/// it and removes exactly that; Get-XenPoolSchedule lists schedules from it.
/// </summary>
public sealed class ScheduleManifest
{
    public required string Name { get; init; }
    public required string Pool { get; init; }
    public required string PoolPath { get; init; }
    public required string Every { get; init; }
    public ScheduleKind Kind { get; init; }
    public ScheduleScope Scope { get; init; }
    public required string Runbook { get; init; }
    public required string LogPath { get; init; }
    /// <summary>Every file Register wrote, the manifest itself aside.</summary>
    public List<string> Files { get; init; } = new();
    /// <summary>The lines added to the user's crontab, marker first.</summary>
    public List<string> CrontabLines { get; init; } = new();
    /// <summary>The systemd timer or the Windows task.</summary>
    public string? Unit { get; init; }
    public DateTimeOffset Registered { get; init; }

    private static readonly JsonSerializerSettings Settings = new()
    {
        Formatting = Formatting.Indented,
        Converters = { new Newtonsoft.Json.Converters.StringEnumConverter() },
        DateParseHandling = DateParseHandling.DateTimeOffset,
    };

    public string ToJson() => JsonConvert.SerializeObject(this, Settings);

    public static ScheduleManifest Parse(string json, string file)
    {
        ScheduleManifest? m;
        try { m = JsonConvert.DeserializeObject<ScheduleManifest>(json, Settings); }
        catch (JsonException ex) { throw new ScheduleException(XenErrorIds.ScheduleInvalid, $"The schedule manifest {file} is not readable: {ex.Message}"); }
        if (m is null) throw new ScheduleException(XenErrorIds.ScheduleInvalid, $"The schedule manifest {file} is empty.");
        // An edited manifest must not make Unregister remove something else: its names and paths are checked again.
        ScheduleValues.Name("the manifest's name", m.Name);
        foreach (var f in m.Files.Append(m.Runbook).Append(m.LogPath)) ScheduleValues.AbsolutePath("a manifest path", f);
        return m;
    }

    public static ScheduleManifest? Load(SchedulePaths paths, string name)
    {
        var file = paths.Manifest(name);
        return File.Exists(file) ? Parse(File.ReadAllText(file), file) : null;
    }

    /// <summary>Every schedule of a scope, by name.</summary>
    public static IEnumerable<ScheduleManifest> All(SchedulePaths paths) =>
        !Directory.Exists(paths.StateDir) ? Enumerable.Empty<ScheduleManifest>()
        : Directory.EnumerateFiles(paths.StateDir, "*.json").Order(StringComparer.Ordinal)
            .Select(f => Parse(File.ReadAllText(f), f));
}
