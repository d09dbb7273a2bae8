using SmartDomains.Pools;
using SmartDomains.State;
using SmartDomains.Sync;
using Xunit;

namespace SmartDomains.Tests.Sync;

/// <summary>The rules of a pass, without a host: holds first, then what the window wants against what is, within budget.</summary>
public sealed class SyncPlannerTests
{
    private static readonly DateTimeOffset MondayNoon = new(2026, 11, 30, 12, 0, 0, TimeSpan.FromHours(1));
    private static readonly DateTimeOffset MondayNight = new(2026, 11, 30, 20, 0, 0, TimeSpan.FromHours(1));

    private static PoolDomain Domain(OutsideAction outside = OutsideAction.Save, int retries = 5, GuestPoweroffAction poweroff = GuestPoweroffAction.Leave, bool scheduled = true) => new()
    {
        Name = "g4-1", GroupName = "g4",
        Schedule = scheduled ? new DomainSchedule { Windows = new[] { "Mon-Fri 19:00-07:00", "Sat-Sun" }, TimeZone = "Europe/Zurich", Outside = outside } : null,
        Restart = new RestartPolicy { Retries = retries, ResetAfter = TimeSpan.FromHours(8), GuestPoweroff = poweroff },
    };

    private static DomainObservation Seen(ObservedState state, DomainMarks.RestartMark? restarts = null, DomainMarks.HoldMark? hold = null, bool listed = false) =>
        new(state, listed ? new Model.XenDomain { Name = "g4-1", Host = "h", DomId = 3 } : null, hold, restarts ?? new DomainMarks.RestartMark(0, default, false),
            state == ObservedState.Saved ? new DomainMarks.SaveMark("g4-1-img", "/repo", MondayNoon) : null, state.ToString());

    [Theory]
    [InlineData(ObservedState.Missing, SyncAction.Started)]
    [InlineData(ObservedState.Stopped, SyncAction.Started)]
    [InlineData(ObservedState.Saved, SyncAction.Restored)]
    [InlineData(ObservedState.Running, SyncAction.None)]
    [InlineData(ObservedState.Paused, SyncAction.None)]
    [InlineData(ObservedState.Crashed, SyncAction.Restarted)]
    [InlineData(ObservedState.Vanished, SyncAction.Restarted)]
    [InlineData(ObservedState.PoweredOff, SyncAction.None)]
    [InlineData(ObservedState.Foreign, SyncAction.Skipped)]
    [InlineData(ObservedState.Unknown, SyncAction.Skipped)]
    public void Inside_the_window(ObservedState state, SyncAction expected)
    {
        var d = SyncPlanner.Decide(Domain(), Seen(state), MondayNight);
        Assert.Equal(DesiredState.Running, d.Desired);
        Assert.Equal(expected, d.Action);
    }

    [Theory]
    [InlineData(OutsideAction.Save, ObservedState.Running, SyncAction.Saved, DesiredState.Saved)]
    [InlineData(OutsideAction.Shutdown, ObservedState.Running, SyncAction.ShutDown, DesiredState.Stopped)]
    [InlineData(OutsideAction.Destroy, ObservedState.Paused, SyncAction.Destroyed, DesiredState.Stopped)]
    [InlineData(OutsideAction.Save, ObservedState.Missing, SyncAction.None, DesiredState.Saved)]
    [InlineData(OutsideAction.Save, ObservedState.Saved, SyncAction.None, DesiredState.Saved)]
    [InlineData(OutsideAction.Shutdown, ObservedState.Vanished, SyncAction.None, DesiredState.Stopped)]
    public void Outside_the_window(OutsideAction outside, ObservedState state, SyncAction expected, DesiredState desired)
    {
        var d = SyncPlanner.Decide(Domain(outside), Seen(state), MondayNoon);
        Assert.Equal(desired, d.Desired);
        Assert.Equal(expected, d.Action);
    }

    [Fact]
    public void A_crashed_shell_outside_the_window_is_destroyed_not_restarted() =>
        Assert.Equal(SyncAction.Destroyed, SyncPlanner.Decide(Domain(), Seen(ObservedState.Crashed, listed: true), MondayNoon).Action);

    [Fact]
    public void An_operator_hold_wins_over_every_window()
    {
        var hold = new DomainMarks.HoldMark("operator", MondayNoon, "ctl/op/1");
        Assert.Equal(SyncAction.Held, SyncPlanner.Decide(Domain(), Seen(ObservedState.Stopped, hold: hold), MondayNight).Action);
        Assert.Equal(SyncAction.Held, SyncPlanner.Decide(Domain(), Seen(ObservedState.Running, hold: hold), MondayNoon).Action);
    }

    [Fact]
    public void The_budget_counts_restarts_then_gives_up_and_stays_given_up()
    {
        var d = SyncPlanner.Decide(Domain(retries: 2), Seen(ObservedState.Crashed, new(1, MondayNight.AddMinutes(-5), false)), MondayNight);
        Assert.Equal((SyncAction.Restarted, 2), (d.Action, d.RestartCount!.Value));
        d = SyncPlanner.Decide(Domain(retries: 2), Seen(ObservedState.Crashed, new(2, MondayNight.AddMinutes(-5), false)), MondayNight);
        Assert.Equal((SyncAction.GaveUp, 2), (d.Action, d.RestartCount!.Value));
        // Spent is spent: even after resetAfter, only Start-XenDomain gives it back.
        d = SyncPlanner.Decide(Domain(retries: 2), Seen(ObservedState.Crashed, new(2, MondayNight.AddDays(-1), true)), MondayNight);
        Assert.Equal(SyncAction.GaveUp, d.Action);
        Assert.Null(d.RestartCount);
    }

    [Fact]
    public void The_count_starts_again_after_resetAfter_without_a_restart()
    {
        var d = SyncPlanner.Decide(Domain(retries: 2), Seen(ObservedState.Vanished, new(2, MondayNight.AddHours(-9), false)), MondayNight);
        Assert.Equal((SyncAction.Restarted, 1), (d.Action, d.RestartCount!.Value));
    }

    [Fact]
    public void A_guest_poweroff_is_restarted_only_when_the_policy_says_so()
    {
        Assert.Equal(SyncAction.None, SyncPlanner.Decide(Domain(), Seen(ObservedState.PoweredOff), MondayNight).Action);
        Assert.Equal(SyncAction.Restarted, SyncPlanner.Decide(Domain(poweroff: GuestPoweroffAction.Restart), Seen(ObservedState.PoweredOff), MondayNight).Action);
        Assert.Equal(SyncAction.None, SyncPlanner.Decide(Domain(retries: 0), Seen(ObservedState.Running), MondayNight).Action);
        Assert.Equal(SyncAction.GaveUp, SyncPlanner.Decide(Domain(retries: 0), Seen(ObservedState.Crashed), MondayNight).Action);
    }

    [Fact]
    public void A_domain_without_a_schedule_always_runs()
    {
        Assert.Equal(DesiredState.Running, SyncPlanner.Decide(Domain(scheduled: false), Seen(ObservedState.Running), MondayNoon).Desired);
        Assert.Equal(SyncAction.Started, SyncPlanner.Decide(Domain(scheduled: false), Seen(ObservedState.Missing), MondayNoon).Action);
    }
}
