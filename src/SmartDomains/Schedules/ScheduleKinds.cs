namespace SmartDomains.Schedules;

/// <summary>What runs a schedule's runbook.</summary>
public enum ScheduleKind { SystemdTimer, Cron, ScheduledTask }

/// <summary>Whose scheduler: the user's own (systemd --user, the user's crontab) or the machine's.</summary>
public enum ScheduleScope { User, System }

/// <summary>A schedule value refused, a schedule that is not there, or a scheduler that said no.</summary>
public sealed class ScheduleException(string errorId, string message) : Exception(message)
{
    public string ErrorId { get; } = errorId;
}
