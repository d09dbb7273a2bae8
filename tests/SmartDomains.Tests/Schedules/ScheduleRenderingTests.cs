using System.Diagnostics;
using SmartDomains.Hosts;
using SmartDomains.Schedules;
using Xunit;
using Xunit.Abstractions;

namespace SmartDomains.Tests.Schedules;

public sealed class ScheduleRenderingTests(ITestOutputHelper output)
{
    [Fact]
    public void The_runbook_quotes_every_value_and_names_no_secret()
    {
        var spec = ScheduleFixture.Spec("/tmp/r", poolPath: "/srv/it's ‘here’/pool.json", connection: new ScheduleConnection
        {
            Hosts = new[] { "dom0a.example.org", "10.0.0.2" }, User = "ops", Port = 2222, KeyFile = "/etc/sd/key 1",
            HostKeyPolicy = HostKeyPolicy.Parse("SHA256:" + new string('A', 43)), KnownHostsFile = "/etc/sd/known_hosts",
        });
        var text = RunbookRenderer.Render(spec);
        Assert.Contains("$sync = @{ Path = '/srv/it''s ‘‘here’’/pool.json' }", text);
        Assert.Contains("Connect-XenHost -ComputerName 'dom0a.example.org', '10.0.0.2' -Port 2222 -User 'ops' -KeyFile '/etc/sd/key 1' -HostKeyPolicy 'SHA256:" + new string('A', 43) + "' -KnownHostsFile '/etc/sd/known_hosts'", text);
        Assert.Contains("Import-Module -Name '/opt/SmartDomains/0.1.0/SmartDomains.psd1'", text);
        Assert.DoesNotContain("Credential", text);
        Assert.DoesNotContain("Password", text);
        Assert.Contains("exit $exit", text);
    }

    [Fact]
    public void An_OpenSSH_runbook_names_its_transport_and_ssh_config_and_an_SSH_NET_one_neither()
    {
        var openSsh = new ScheduleConnection
        {
            Hosts = new[] { "dom0-a", "dom0-b" }, Transport = HostTransport.OpenSSH, SshConfigFile = "/etc/sd/it's ssh_config",
        };
        openSsh.Validate();
        Assert.Equal("Connect-XenHost -ComputerName 'dom0-a', 'dom0-b' -Transport OpenSSH -SshConfigFile '/etc/sd/it''s ssh_config'",
            openSsh.ConnectCommand());
        var sshNet = new ScheduleConnection { Hosts = new[] { "dom0-a" } };
        Assert.DoesNotContain("-Transport", sshNet.ConnectCommand());
        Assert.DoesNotContain("-SshConfigFile", sshNet.ConnectCommand());
        // No -Port unless one was given: the ssh config's Port must not be overridden by a default.
        Assert.DoesNotContain("-Port", sshNet.ConnectCommand());
    }

    [Theory]
    [InlineData("ssh_config")] [InlineData("/etc/a\nb")] [InlineData("/etc/../root/.ssh/config")]
    public void A_relative_or_hostile_ssh_config_path_is_refused(string path)
    {
        var connection = new ScheduleConnection { Hosts = new[] { "dom0-a" }, Transport = HostTransport.OpenSSH, SshConfigFile = path };
        Assert.Throws<ScheduleException>(connection.Validate);
    }

    [Fact]
    public void The_runbook_passes_the_repositories_on_to_sync_and_test()
    {
        var spec = ScheduleFixture.Spec("/tmp/r");
        var withRepos = spec with { Repository = "/srv/saved", ImageRepository = "/srv/base" };
        var text = RunbookRenderer.Render(withRepos);
        Assert.Contains("$sync = @{ Path = '/srv/pools/nightly.json'; Repository = '/srv/saved'; ImageRepository = '/srv/base' }", text);
        Assert.Contains("Sync-XenPool @sync", text);
        Assert.Contains("Test-XenPool @sync -Detailed", text);
    }

    [Fact]
    public void The_cron_entry_is_a_marker_and_one_job_line_with_its_path()
    {
        var lines = CronEntry.Lines(ScheduleFixture.Spec("/tmp/r", pwsh: new[] { "/usr/share/dotnet/dotnet", "/opt/pwsh 7/pwsh.dll" }));
        Assert.Equal(2, lines.Count);
        Assert.StartsWith("# SmartDomains schedule nightly ", lines[0]);
        Assert.Equal("*/15 * * * * PATH=/usr/local/bin:/usr/bin:/bin /usr/share/dotnet/dotnet '/opt/pwsh 7/pwsh.dll' -NoProfile -NonInteractive -File /tmp/r/state/nightly.ps1", lines[1]);
    }

    [Fact]
    public void Editing_a_crontab_keeps_every_other_line_exactly()
    {
        var entry = CronEntry.Lines(ScheduleFixture.Spec("/tmp/r"));
        var other = "MAILTO=ops@example.org\n\n# backups\n0 3 * * * /usr/local/bin/backup --all\r\n@reboot echo '%'\n";
        var added = CronEntry.Add(other, entry);
        Assert.StartsWith(other, added);
        Assert.Equal(other, CronEntry.Remove(added, entry, out var found));
        Assert.True(found);
        Assert.Equal(other, CronEntry.Remove(other, entry, out found));
        Assert.False(found);
        // Only the pair counts: a job line an operator copied without its marker stays.
        var copied = other + entry[1] + "\n";
        Assert.Equal(copied, CronEntry.Remove(copied, entry, out found));
        Assert.False(found);
    }

    [Fact]
    public void The_units_run_the_runbook_with_systemd_quoting()
    {
        var spec = ScheduleFixture.Spec("/tmp/r", ScheduleKind.SystemdTimer, pwsh: new[] { "/opt/my pwsh/$x%/pwsh" });
        var service = SystemdUnits.Service(spec);
        Assert.Contains("ExecStart=\"/opt/my pwsh/$x%%/pwsh\" \"-NoProfile\" \"-NonInteractive\" \"-File\" \"/tmp/r/state/nightly.ps1\"", service);
        Assert.Contains("Environment=\"PATH=/usr/local/bin:/usr/bin:/bin\"", service);
        var timer = SystemdUnits.Timer(spec);
        Assert.Contains("OnUnitActiveSec=900s", timer);
        Assert.Contains("Unit=smartdomains-nightly.service", timer);
    }

    [Fact]
    public void A_systemd_schedule_refuses_an_executable_systemd_would_refuse() =>
        Assert.Throws<ScheduleException>(() => ScheduleFixture.Spec("/tmp/r", ScheduleKind.SystemdTimer, pwsh: new[] { "/opt/it's/pwsh" }).Validate());

    [Trait("Needs", "systemd-analyze")]
    [Fact]
    public void Systemd_analyze_verifies_the_rendered_units_even_for_a_hostile_path()
    {
        if (!OnPath("systemd-analyze")) { output.WriteLine("Skipped: systemd-analyze is not installed (apt package systemd)."); return; }
        var root = ScheduleFixture.TempRoot();
        try
        {
            // An executable and a runbook whose paths need systemd's quoting: verify fails on a path it cannot find.
            var dir = Path.Combine(root, "my pwsh $HOME %h");
            Directory.CreateDirectory(dir);
            var pwsh = Path.Combine(dir, "pwsh");
            File.WriteAllText(pwsh, "#!/bin/sh\nexit 0\n");
            File.SetUnixFileMode(pwsh, UnixFileMode.UserRead | UnixFileMode.UserExecute | UnixFileMode.UserWrite);
            var plan = SchedulePlan.For(ScheduleFixture.Spec(Path.Combine(root, "it's \"q\" $HOME %h"), ScheduleKind.SystemdTimer, pwsh: new[] { pwsh }));
            foreach (var f in plan.Files) { Directory.CreateDirectory(Path.GetDirectoryName(f.Path)!); File.WriteAllText(f.Path, f.Content); }
            var units = plan.Files.Where(f => f.Path.EndsWith(".service") || f.Path.EndsWith(".timer")).Select(f => f.Path).ToArray();
            Assert.Equal(2, units.Length);
            var (code, text) = Run("systemd-analyze", new[] { "verify" }.Concat(units).ToArray());
            if (text.Contains("Failed to initialize") || text.Contains("Cannot determine cgroup"))
            {
                output.WriteLine($"Skipped: systemd-analyze verify cannot run here: {text.Trim()}");
                return;
            }
            Assert.True(code == 0 && text.Trim().Length == 0, $"systemd-analyze verify (exit {code}):\n{text}");
        }
        finally { Directory.Delete(root, true); }
    }

    private static bool OnPath(string program) =>
        (Environment.GetEnvironmentVariable("PATH") ?? "").Split(':').Any(d => File.Exists(Path.Combine(d, program)));

    private static (int, string) Run(string program, string[] args)
    {
        var psi = new ProcessStartInfo(program) { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var a in args) psi.ArgumentList.Add(a);
        using var p = Process.Start(psi)!;
        var err = p.StandardError.ReadToEndAsync();
        var text = p.StandardOutput.ReadToEnd() + err.Result;
        p.WaitForExit();
        return (p.ExitCode, text);
    }
}
