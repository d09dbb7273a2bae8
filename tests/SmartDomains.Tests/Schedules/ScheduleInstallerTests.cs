using SmartDomains.Schedules;
using Xunit;

namespace SmartDomains.Tests.Schedules;

public sealed class ScheduleInstallerTests : IDisposable
{
    private readonly string _root = ScheduleFixture.TempRoot();

    public void Dispose() => Directory.Delete(_root, true);

    [Fact]
    public void A_cron_schedule_adds_its_pair_and_unregister_gives_back_the_crontab_exactly()
    {
        var cron = new FakeScheduler { Crontab = "MAILTO=ops\n*/5 * * * * /usr/local/bin/poll\n" };
        var before = cron.Crontab;
        var installer = new ScheduleInstaller(cron);
        var spec = ScheduleFixture.Spec(_root);
        var manifest = installer.Install(SchedulePlan.For(spec));
        Assert.Equal(before + string.Join("\n", CronEntry.Lines(spec)) + "\n", cron.Crontab);
        Assert.Equal(new[] { spec.Runbook }, manifest.Files);
        Assert.True(File.Exists(spec.Paths.Manifest("nightly")));
        File.WriteAllText(spec.LogPath, "{\"result\":\"Clean\"}\n");

        Assert.Empty(installer.Uninstall(ScheduleManifest.Load(spec.Paths, "nightly")!, spec.Paths));
        Assert.Equal(before, cron.Crontab);
        Assert.False(File.Exists(spec.Runbook));
        Assert.False(File.Exists(spec.Paths.Manifest("nightly")));
        Assert.True(File.Exists(spec.LogPath), "the log is the schedule's history and stays");
    }

    [Fact]
    public void A_crontab_that_held_only_the_schedule_is_removed_as_it_was_absent_before()
    {
        var cron = new FakeScheduler();
        var installer = new ScheduleInstaller(cron);
        var spec = ScheduleFixture.Spec(_root);
        var manifest = installer.Install(SchedulePlan.For(spec));
        Assert.NotNull(cron.Crontab);
        installer.Uninstall(manifest, spec.Paths);
        Assert.Null(cron.Crontab);
        Assert.Contains("crontab -r", cron.Calls);
    }

    [Fact]
    public void Registering_again_after_unregister_leaves_one_entry()
    {
        var cron = new FakeScheduler { Crontab = "# mine\n" };
        var installer = new ScheduleInstaller(cron);
        var spec = ScheduleFixture.Spec(_root);
        installer.Install(SchedulePlan.For(spec));
        installer.Install(SchedulePlan.For(spec));
        Assert.Equal(1, cron.Crontab!.Split('\n').Count(l => l == CronEntry.Marker("nightly")));
    }

    [Fact]
    public void An_operator_who_removed_the_lines_gets_a_warning_and_an_untouched_crontab()
    {
        var cron = new FakeScheduler();
        var installer = new ScheduleInstaller(cron);
        var spec = ScheduleFixture.Spec(_root);
        var manifest = installer.Install(SchedulePlan.For(spec));
        cron.Crontab = "# edited by hand\n";
        var problems = installer.Uninstall(manifest, spec.Paths);
        Assert.Single(problems);
        Assert.Equal("# edited by hand\n", cron.Crontab);
        Assert.False(File.Exists(spec.Runbook));
    }

    [Fact]
    public void A_systemd_schedule_enables_its_timer_and_unregister_disables_it_and_removes_the_units()
    {
        var systemd = new FakeScheduler();
        var installer = new ScheduleInstaller(systemd);
        var spec = ScheduleFixture.Spec(_root, ScheduleKind.SystemdTimer);
        var manifest = installer.Install(SchedulePlan.For(spec));
        Assert.Equal(new[] { "systemctl --user daemon-reload", "systemctl --user enable --now smartdomains-nightly.timer" }, systemd.Calls);
        Assert.Equal(3, manifest.Files.Count);
        Assert.All(manifest.Files, f => Assert.True(File.Exists(f)));
        systemd.Calls.Clear();
        installer.Uninstall(manifest, spec.Paths);
        Assert.Equal(new[] { "systemctl --user disable --now smartdomains-nightly.timer", "systemctl --user daemon-reload" }, systemd.Calls);
        Assert.All(manifest.Files, f => Assert.False(File.Exists(f)));
        Assert.Empty(Directory.GetFiles(spec.Paths.SystemdDir));
    }

    [Fact]
    public void A_scheduler_that_refuses_leaves_nothing_behind()
    {
        var systemd = new FakeScheduler { Override = (p, a) => a.Contains("enable") ? new SchedulerOutcome(1, "", "Failed to connect to bus") : null };
        var installer = new ScheduleInstaller(systemd);
        var spec = ScheduleFixture.Spec(_root, ScheduleKind.SystemdTimer);
        var ex = Assert.Throws<ScheduleException>(() => installer.Install(SchedulePlan.For(spec)));
        Assert.Equal(XenErrorIds.ScheduleInstallFailed, ex.ErrorId);
        Assert.Contains("Failed to connect to bus", ex.Message);
        Assert.Empty(Directory.GetFiles(_root, "*", SearchOption.AllDirectories));
    }

    [Theory]
    [InlineData("running", ScheduleKind.SystemdTimer)]
    [InlineData("degraded", ScheduleKind.SystemdTimer)]
    [InlineData("offline", ScheduleKind.Cron)]
    [InlineData("", ScheduleKind.Cron)]
    public void Systemd_is_chosen_only_where_its_manager_answers(string state, ScheduleKind kind)
    {
        var host = new FakeScheduler { Override = (_, _) => new SchedulerOutcome(state == "running" ? 0 : 1, state + "\n", "") };
        Assert.Equal(kind, new ScheduleInstaller(host).Detect(ScheduleScope.User));
    }

    [Fact]
    public void An_edited_manifest_cannot_make_unregister_remove_other_files()
    {
        var spec = ScheduleFixture.Spec(_root);
        var manifest = new ScheduleInstaller(new FakeScheduler()).Install(SchedulePlan.For(spec));
        var json = File.ReadAllText(spec.Paths.Manifest("nightly")).Replace(spec.Runbook, "/etc/../etc/passwd");
        File.WriteAllText(spec.Paths.Manifest("nightly"), json);
        var ex = Assert.Throws<ScheduleException>(() => ScheduleManifest.Load(spec.Paths, "nightly"));
        Assert.Equal(XenErrorIds.ScheduleInvalid, ex.ErrorId);
        Assert.NotNull(manifest);
    }

    [Fact]
    public void The_last_log_line_gives_the_last_run_and_result()
    {
        var spec = ScheduleFixture.Spec(_root);
        var manifest = new ScheduleInstaller(new FakeScheduler()).Install(SchedulePlan.For(spec));
        File.WriteAllText(spec.LogPath, "{\"time\":\"2026-12-01T10:00:00.0000000+01:00\",\"result\":\"Drift\"}\n{\"time\":\"2026-12-02T10:15:00.0000000+01:00\",\"result\":\"Clean\",\"exit\":0}\n\n");
        var s = XenPoolSchedule.From(manifest);
        Assert.Equal(DateTimeOffset.Parse("2026-12-02T10:15:00+01:00"), s.LastRun);
        Assert.Equal(TimeSpan.FromHours(1), s.LastRun!.Value.Offset);
        Assert.Equal("Clean", s.LastResult);
        Assert.NotNull(s.NextRun);
    }
}
