using System.Diagnostics;
using SmartDomains.Schedules;
using Xunit;

namespace SmartDomains.Tests.Schedules;

public sealed class ScheduleValueTests
{
    [Theory]
    [InlineData("1m", 60, "* * * * *", "60s")]
    [InlineData("15m", 900, "*/15 * * * *", "900s")]
    [InlineData("120s", 120, "*/2 * * * *", "120s")]
    [InlineData("1h", 3600, "0 * * * *", "3600s")]
    [InlineData("6h", 21600, "0 */6 * * *", "21600s")]
    public void An_interval_renders_for_cron_and_systemd(string text, int seconds, string cron, string systemd)
    {
        var every = ScheduleInterval.Parse(text);
        Assert.Equal(TimeSpan.FromSeconds(seconds), every.Span);
        Assert.Equal(cron, every.ToCron());
        Assert.Equal(systemd, every.ToSystemd());
    }

    [Theory]
    [InlineData("30s")] [InlineData("0m")] [InlineData("15")] [InlineData("15 m")] [InlineData("1d")] [InlineData("25h")]
    [InlineData("-5m")] [InlineData("5M")] [InlineData("")] [InlineData("1m;reboot")]
    public void An_interval_that_is_no_duration_or_out_of_range_is_refused(string text)
    {
        var ex = Assert.Throws<ScheduleException>(() => ScheduleInterval.Parse(text));
        Assert.Equal(XenErrorIds.ScheduleInvalid, ex.ErrorId);
    }

    [Theory]
    [InlineData("7m")] [InlineData("90m")] [InlineData("5h")] [InlineData("90s")]
    public void An_interval_cron_cannot_repeat_is_refused_for_cron_only(string text)
    {
        var every = ScheduleInterval.Parse(text);
        Assert.Throws<ScheduleException>(every.ToCron);
        Assert.EndsWith("s", every.ToSystemd());
    }

    [Theory]
    [InlineData("15m", "2026-12-02T14:07:30+00:00", "2026-12-02T14:15:00+00:00")]
    [InlineData("15m", "2026-12-02T14:45:00+00:00", "2026-12-02T15:00:00+00:00")]
    [InlineData("1m", "2026-12-02T23:59:59+00:00", "2026-12-03T00:00:00+00:00")]
    [InlineData("2h", "2026-12-02T13:30:00+00:00", "2026-12-02T14:00:00+00:00")]
    [InlineData("2h", "2026-12-02T14:00:00+00:00", "2026-12-02T16:00:00+00:00")]
    public void The_next_cron_run_is_where_the_fields_match_next(string every, string after, string next) =>
        Assert.Equal(DateTimeOffset.Parse(next), ScheduleInterval.Parse(every).NextCronRun(DateTimeOffset.Parse(after)));

    [Theory]
    [InlineData("a;b")] [InlineData("../x")] [InlineData("")] [InlineData("-x")] [InlineData(".hidden")] [InlineData("a b")]
    [InlineData("a\nb")] [InlineData("a$(id)")] [InlineData("a/b")] [InlineData("a'b")] [InlineData("a%b")] [InlineData("nätt")]
    public void A_hostile_name_is_refused(string name)
    {
        var ex = Assert.Throws<ScheduleException>(() => ScheduleValues.Name("-Name", name));
        Assert.Equal(XenErrorIds.ScheduleInvalid, ex.ErrorId);
        Assert.Throws<ScheduleException>(() => ScheduleFixture.Spec("/tmp", name: name).Validate());
    }

    [Fact]
    public void A_name_of_65_characters_is_refused() =>
        Assert.Throws<ScheduleException>(() => ScheduleValues.Name("-Name", new string('a', 65)));

    [Theory]
    [InlineData("relative/pool.json")] [InlineData("/srv/../etc/shadow")] [InlineData("/srv/a\nb")] [InlineData("/srv/a\0b")]
    [InlineData("/srv/a\rb")] [InlineData("")] [InlineData("~/pool.json")]
    public void A_hostile_path_is_refused(string path)
    {
        Assert.Throws<ScheduleException>(() => ScheduleValues.AbsolutePath("-Path", path));
        Assert.Throws<ScheduleException>(() => ScheduleFixture.Spec("/tmp", poolPath: path).Validate());
    }

    [Theory]
    [InlineData("h;reboot")] [InlineData("h h")] [InlineData("$(id)")] [InlineData("-oProxyCommand=x")] [InlineData("h'")]
    public void A_hostile_host_is_refused(string host)
    {
        var connection = new ScheduleConnection { Hosts = new[] { host } };
        Assert.Throws<ScheduleException>(connection.Validate);
    }

    [Fact]
    public void A_system_cron_schedule_with_a_dot_is_refused_since_cron_skips_such_files()
    {
        var spec = ScheduleFixture.Spec("/tmp", name: "lab.nightly");
        spec.Validate();
        var system = spec with { Scope = ScheduleScope.System };
        Assert.Throws<ScheduleException>(system.Validate);
    }

    public static TheoryData<string> HostileWords => new()
    {
        "/srv/my pools/a.json", "/srv/it's/a.json", "/srv/$(id)/`id`/a.json", "/srv/100%/a.json", "/srv/\"q\"/a\\b.json", "/srv/*?[a]/~x", "-rf",
    };

    [Theory, MemberData(nameof(HostileWords))]
    public void A_cron_word_reaches_sh_as_itself_after_crons_percent_handling(string word)
    {
        var quoted = ScheduleQuoting.Cron(word);
        Assert.DoesNotMatch(@"(?<!\\)%", quoted);
        // cron replaces \% by % (and a bare % by a newline) before sh reads the command.
        var asSh = quoted.Replace("\\%", "%");
        var psi = new ProcessStartInfo("sh") { RedirectStandardOutput = true };
        psi.ArgumentList.Add("-c");
        psi.ArgumentList.Add("printf '%s' " + asSh);
        using var p = Process.Start(psi)!;
        var output = p.StandardOutput.ReadToEnd();
        p.WaitForExit();
        Assert.Equal(word, output);
    }

    [Fact]
    public void Systemd_words_escape_quotes_backslashes_variables_and_specifiers() =>
        Assert.Equal("\"/a b/$$HOME/%%h/\\\"q\\\"/c\\\\d\"", ScheduleQuoting.Systemd("/a b/$HOME/%h/\"q\"/c\\d"));

    [Fact]
    public void PowerShell_strings_double_every_kind_of_single_quote() =>
        Assert.Equal("'it''s ‘‘a’’ ‚‚b‛‛'", ScheduleQuoting.PowerShell("it's ‘a’ ‚b‛"));

    [Theory]
    [InlineData("plain", "plain")]
    [InlineData("C:\\Program Files\\pwsh.exe", "\"C:\\Program Files\\pwsh.exe\"")]
    [InlineData("a\"b", "\"a\\\"b\"")]
    [InlineData("C:\\dir with space\\", "\"C:\\dir with space\\\\\"")]
    public void Windows_arguments_follow_the_argv_rules(string word, string quoted) =>
        Assert.Equal(quoted, ScheduleQuoting.Windows(word));
}
