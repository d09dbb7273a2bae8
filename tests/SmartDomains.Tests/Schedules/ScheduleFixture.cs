using SmartDomains.Schedules;

namespace SmartDomains.Tests.Schedules;

/// <summary>Specs over a temporary state directory, and a scheduler stand-in that records calls and keeps a crontab.</summary>
internal static class ScheduleFixture
{
    public static ScheduleSpec Spec(string root, ScheduleKind kind = ScheduleKind.Cron, string name = "nightly", string every = "15m",
        string? poolPath = null, IReadOnlyList<string>? pwsh = null, ScheduleConnection? connection = null) => new()
    {
        Name = name,
        Pool = "nightly",
        PoolPath = poolPath ?? "/srv/pools/nightly.json",
        Every = ScheduleInterval.Parse(every),
        Kind = kind,
        Connection = connection ?? new ScheduleConnection { Emulator = true, Hosts = new[] { "emu1", "emu2" }, EmulatorRoot = "/var/tmp/emu" },
        Paths = new SchedulePaths(Path.Combine(root, "state"), Path.Combine(root, "systemd"), Path.Combine(root, "state")),
        LogPath = Path.Combine(root, "state", name + ".jsonl"),
        ModulePath = "/opt/SmartDomains/0.1.0/SmartDomains.psd1",
        Pwsh = pwsh ?? new[] { "/usr/bin/pwsh" },
        SearchPath = "/usr/local/bin:/usr/bin:/bin",
    };

    public static string TempRoot()
    {
        var dir = Path.Combine(Path.GetTempPath(), $"sd-sched-{Environment.ProcessId}-{Guid.NewGuid():N}");
        Directory.CreateDirectory(dir);
        return dir;
    }
}

internal sealed class FakeScheduler : ISchedulerHost
{
    public string? Crontab;
    public readonly List<string> Calls = new();
    public Func<string, IReadOnlyList<string>, SchedulerOutcome?>? Override;

    public SchedulerOutcome Run(string program, IReadOnlyList<string> arguments, string? input = null)
    {
        Calls.Add(program + " " + string.Join(" ", arguments));
        if (Override?.Invoke(program, arguments) is { } forced) return forced;
        switch (program, arguments.FirstOrDefault())
        {
            case ("crontab", "-l"): return Crontab is null ? new SchedulerOutcome(1, "", "no crontab for tester\n") : new SchedulerOutcome(0, Crontab, "");
            case ("crontab", "-"): Crontab = input; return new SchedulerOutcome(0, "", "");
            case ("crontab", "-r"): Crontab = null; return new SchedulerOutcome(0, "", "");
            default: return new SchedulerOutcome(0, "", "");
        }
    }
}
