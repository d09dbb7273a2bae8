namespace SmartDomains.Schedules;

/// <summary>A file a schedule writes, with its full content.</summary>
public sealed record ScheduleFile(string Path, string Content);

/// <summary>What registering a schedule writes and runs, before anything is written: -WhatIf shows exactly this.</summary>
public sealed class SchedulePlan
{
    public required ScheduleSpec Spec { get; init; }
    public required IReadOnlyList<ScheduleFile> Files { get; init; }
    /// <summary>Lines for the user's crontab (marker first); empty for other kinds.</summary>
    public IReadOnlyList<string> CrontabLines { get; init; } = Array.Empty<string>();
    /// <summary>The timer unit or the task name.</summary>
    public string? Unit { get; init; }
    /// <summary>The scheduler calls, in order, as program and arguments.</summary>
    public required IReadOnlyList<IReadOnlyList<string>> Commands { get; init; }

    public static SchedulePlan For(ScheduleSpec s)
    {
        s.Validate();
        var runbook = new ScheduleFile(s.Runbook, RunbookRenderer.Render(s));
        var ctl = SystemctlArguments(s.Scope);
        switch (s.Kind)
        {
            case ScheduleKind.SystemdTimer:
                return new SchedulePlan
                {
                    Spec = s, Unit = SystemdUnits.TimerFile(s),
                    Files = new[] { runbook, new ScheduleFile(Path.Combine(s.Paths.SystemdDir, SystemdUnits.ServiceFile(s)), SystemdUnits.Service(s)),
                                    new ScheduleFile(Path.Combine(s.Paths.SystemdDir, SystemdUnits.TimerFile(s)), SystemdUnits.Timer(s)) },
                    Commands = new[] { Systemctl(ctl, "daemon-reload"), Systemctl(ctl, "enable", "--now", SystemdUnits.TimerFile(s)) },
                };
            case ScheduleKind.Cron when s.Scope == ScheduleScope.System:
                var cronD = new ScheduleFile(Path.Combine(CronDDir, s.UnitName), string.Join("\n", CronEntry.Lines(s, "root")) + "\n");
                return new SchedulePlan { Spec = s, Files = new[] { runbook, cronD }, Commands = Array.Empty<IReadOnlyList<string>>() };
            case ScheduleKind.Cron:
                return new SchedulePlan { Spec = s, Files = new[] { runbook }, CrontabLines = CronEntry.Lines(s), Commands = new[] { Crontab("-l"), Crontab("-") } };
            default:
                return new SchedulePlan
                {
                    Spec = s, Files = new[] { runbook }, Unit = ScheduledTaskCommands.TaskName(s.Name),
                    Commands = new[] { new[] { "schtasks" }.Concat(ScheduledTaskCommands.Create(s)).ToArray() },
                };
        }
    }

    public const string CronDDir = "/etc/cron.d";

    public static string[] SystemctlArguments(ScheduleScope scope) => scope == ScheduleScope.User ? new[] { "--user" } : Array.Empty<string>();

    public static IReadOnlyList<string> Systemctl(string[] scope, params string[] args) => new[] { "systemctl" }.Concat(scope).Concat(args).ToArray();

    private static IReadOnlyList<string> Crontab(string arg) => new[] { "crontab", arg };
}
