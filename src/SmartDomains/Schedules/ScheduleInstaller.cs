namespace SmartDomains.Schedules;

/// <summary>
/// Writes a schedule's files, hands it to its scheduler and records a manifest; removes exactly what a manifest lists.
/// A scheduler that refuses leaves nothing behind.
/// </summary>
public sealed class ScheduleInstaller(ISchedulerHost host)
{
    /// <summary>systemd where its manager for the scope answers, cron elsewhere, the task scheduler on Windows.</summary>
    public ScheduleKind Detect(ScheduleScope scope)
    {
        if (OperatingSystem.IsWindows()) return ScheduleKind.ScheduledTask;
        var r = host.Run("systemctl", SchedulePlan.SystemctlArguments(scope).Append("is-system-running").ToArray());
        // is-system-running exits non-zero when degraded, yet that manager runs timers; "offline" means no manager.
        return r.Stdout.Trim() is "running" or "degraded" or "starting" or "initializing" or "maintenance" ? ScheduleKind.SystemdTimer : ScheduleKind.Cron;
    }

    /// <summary>When the timer fires next, as systemd says (cron's next run is worked out from its fields instead).</summary>
    public DateTimeOffset? NextRun(ScheduleManifest m)
    {
        if (m.Kind != ScheduleKind.SystemdTimer || m.Unit is null) return null;
        var r = host.Run("systemctl", SchedulePlan.SystemctlArguments(m.Scope).Concat(new[] { "show", m.Unit, "--timestamp=unix", "-p", "NextElapseUSecRealtime", "--value" }).ToArray());
        var text = r.Stdout.Trim().TrimStart('@');
        return r.Ok && long.TryParse(text, out var unix) && unix > 0 ? DateTimeOffset.FromUnixTimeSeconds(unix).ToLocalTime() : null;
    }

    public ScheduleManifest Install(SchedulePlan plan)
    {
        var s = plan.Spec;
        var written = new List<string>();
        try
        {
            foreach (var f in plan.Files)
            {
                Directory.CreateDirectory(Path.GetDirectoryName(f.Path)!);
                File.WriteAllText(f.Path, f.Content);
                written.Add(f.Path);
            }
            if (plan.CrontabLines.Count > 0) EditCrontab(text => CronEntry.Add(CronEntry.Remove(text, plan.CrontabLines, out _), plan.CrontabLines));
            else foreach (var c in plan.Commands) Require(c);
        }
        catch
        {
            foreach (var f in written) File.Delete(f);
            if (s.Kind == ScheduleKind.SystemdTimer) host.Run("systemctl", SchedulePlan.SystemctlArguments(s.Scope).Append("daemon-reload").ToArray());
            throw;
        }
        var manifest = new ScheduleManifest
        {
            Name = s.Name, Pool = s.Pool, PoolPath = s.PoolPath, Every = s.Every.ToString(), Kind = s.Kind, Scope = s.Scope,
            Runbook = s.Runbook, LogPath = s.LogPath, Files = written, CrontabLines = plan.CrontabLines.ToList(), Unit = plan.Unit,
            Registered = DateTimeOffset.Now,
        };
        File.WriteAllText(s.Paths.Manifest(s.Name), manifest.ToJson());
        return manifest;
    }

    /// <summary>Stops and removes what the manifest lists; returns what could not be done, for warnings.</summary>
    public IReadOnlyList<string> Uninstall(ScheduleManifest m, SchedulePaths paths)
    {
        var problems = new List<string>();
        var ctl = SchedulePlan.SystemctlArguments(m.Scope);
        if (m.Kind == ScheduleKind.SystemdTimer && m.Unit is not null)
            Note(problems, host.Run("systemctl", ctl.Concat(new[] { "disable", "--now", m.Unit }).ToArray()), "systemctl disable --now " + m.Unit);
        if (m.Kind == ScheduleKind.ScheduledTask)
            Note(problems, host.Run("schtasks", ScheduledTaskCommands.Delete(m.Name)), "schtasks /Delete");
        if (m.CrontabLines.Count > 0)
        {
            var found = false;
            EditCrontab(text => CronEntry.Remove(text, m.CrontabLines, out found));
            if (!found) problems.Add($"the crontab no longer held the lines of schedule {m.Name}; it was left as it is.");
        }
        foreach (var f in m.Files.Where(File.Exists)) File.Delete(f);
        if (m.Kind == ScheduleKind.SystemdTimer) Note(problems, host.Run("systemctl", ctl.Append("daemon-reload").ToArray()), "systemctl daemon-reload");
        File.Delete(paths.Manifest(m.Name));
        return problems;
    }

    private void EditCrontab(Func<string, string> edit)
    {
        var current = host.Run("crontab", new[] { "-l" });
        // crontab -l fails with "no crontab for USER" when there is none: that is an empty one.
        if (!current.Ok && !current.Stderr.Contains("no crontab", StringComparison.OrdinalIgnoreCase)) Fail("crontab -l", current);
        var before = current.Ok ? current.Stdout : "";
        var after = edit(before);
        if (after == before) return;
        // An empty result means the schedule's entry was all there was: no crontab, as before Register.
        Require(after.Trim().Length == 0 ? new[] { "crontab", "-r" } : new[] { "crontab", "-" }, after.Trim().Length == 0 ? null : after);
    }

    private void Require(IReadOnlyList<string> command, string? input = null)
    {
        var r = host.Run(command[0], command.Skip(1).ToArray(), input);
        if (!r.Ok) Fail(string.Join(" ", command), r);
    }

    private static void Note(List<string> problems, SchedulerOutcome r, string what)
    {
        if (!r.Ok) problems.Add($"{what} failed (exit {r.ExitCode}): {r.Stderr.Trim()}");
    }

    private static void Fail(string what, SchedulerOutcome r) =>
        throw new ScheduleException(XenErrorIds.ScheduleInstallFailed, $"{what} failed (exit {r.ExitCode}): {r.Stderr.Trim()}");
}
