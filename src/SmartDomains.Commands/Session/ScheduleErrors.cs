using System.Management.Automation;
using SmartDomains.Schedules;

namespace SmartDomains.Commands;

/// <summary>The error records of the schedule cmdlets: the schedule's own id, a category that fits it.</summary>
internal static class ScheduleErrors
{
    public static ErrorRecord Record(ScheduleException ex, object target) =>
        new(ex, ex.ErrorId, ex.ErrorId switch
        {
            XenErrorIds.ScheduleInvalid => ErrorCategory.InvalidArgument,
            XenErrorIds.ScheduleNotFound => ErrorCategory.ObjectNotFound,
            _ => ErrorCategory.InvalidOperation,
        }, target);

    public static ScheduleException NotFound(string name) =>
        new(XenErrorIds.ScheduleNotFound, $"No schedule named '{name}' is registered (Get-XenPoolSchedule lists them).");

    /// <summary>The scopes to look in: the one given, else the user's then the machine's.</summary>
    public static ScheduleScope[] Scopes(ScheduleScope? scope) => scope is { } s ? new[] { s } : new[] { ScheduleScope.User, ScheduleScope.System };
}
