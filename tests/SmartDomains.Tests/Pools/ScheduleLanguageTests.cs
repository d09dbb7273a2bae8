using SmartDomains.Pools;
using Xunit;

namespace SmartDomains.Tests.Pools;

public sealed class ScheduleLanguageTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("sd-sched-").FullName;
    public void Dispose() => Directory.Delete(_dir, true);

    private PoolDefinition Load(string json) => PoolFixture.Loader().LoadFile(PoolFixture.Write(_dir, "pool.json", json));

    private PoolFileInvalidException Invalid(string json) =>
        Assert.Throws<PoolFileInvalidException>(() => Load(json));

    private const string Story = """
        {
          "name": "story",
          "images": { "base": "images/base", "saved": "/srv/saved" },
          "templates": {
            "batch-worker": {
              "extends": "debian",
              "schedule": { "windows": ["Mon-Fri 19:00-07:00", "Sat-Sun"], "timeZone": "Europe/Zurich", "outside": "save" },
              "restart": { "retries": 5, "resetAfter": "8h" }
            }
          },
          "domains": [
            { "name": "web", "extends": "debian" },
            { "name": "g4", "extends": "batch-worker", "count": 2, "schedule": { "outside": "shutdown" } }
          ]
        }
        """;

    [Fact]
    public void A_template_carries_schedule_and_restart_and_a_domain_overrides_one_key()
    {
        var pool = Load(Story);
        var web = pool.Domains.Single(d => d.Name == "web");
        Assert.Null(web.Schedule);
        Assert.Equal(RestartPolicy.DefaultRetries, web.Restart.Retries);
        var g4 = pool.Domains.Single(d => d.Name == "g4-2");
        Assert.Equal(new[] { "Mon-Fri 19:00-07:00", "Sat-Sun" }, g4.Schedule!.Windows);
        Assert.Equal("Europe/Zurich", g4.Schedule.TimeZone);
        Assert.Equal(OutsideAction.Shutdown, g4.Schedule.Outside);   // the domain's own key over the template's "save"
        Assert.Equal(5, g4.Restart.Retries);
        Assert.Equal(TimeSpan.FromHours(8), g4.Restart.ResetAfter);
        Assert.Equal(GuestPoweroffAction.Leave, g4.Restart.GuestPoweroff);
    }

    [Fact]
    public void Pool_images_are_made_absolute_against_the_pool_file()
    {
        var pool = Load(Story);
        Assert.Equal(Path.Combine(_dir, "images", "base"), pool.Images.Base);
        Assert.Equal("/srv/saved", pool.Images.Saved);
    }

    [Fact]
    public void Schedule_mistakes_are_reported_at_their_line_and_field()
    {
        var ex = Invalid("""
            { "name": "p", "domains": [
              { "name": "a", "extends": "debian", "schedule": { "windows": ["Mon-Fry 19:00-07:00"], "outside": "hibernate" } },
              { "name": "b", "extends": "debian", "schedule": { "windows": "daily 25:00-07:00", "timeZone": "Mars/Olympus" } },
              { "name": "c", "extends": "debian", "schedule": { "windows": [], "when": 1 }, "restart": { "retries": -1, "resetAfter": "soon" } },
              { "name": "d", "extends": "debian", "schedule": { "windows": ["Mon 08:00-08:00"] } }
            ] }
            """);
        Assert.Contains(ex.Errors, e => e.Line == 2 && e.JsonPath == "domains[0].schedule.windows[0]" && e.Message.Contains("'Fry' is not a day"));
        Assert.Contains(ex.Errors, e => e.Line == 2 && e.JsonPath == "domains[0].schedule.outside" && e.Message.Contains("hibernate"));
        Assert.Contains(ex.Errors, e => e.Line == 3 && e.JsonPath == "domains[1].schedule.windows" && e.Message.Contains("times are HH:MM"));
        Assert.Contains(ex.Errors, e => e.Line == 3 && e.JsonPath == "domains[1].schedule.timeZone" && e.Message.Contains("'Mars/Olympus' is not a time zone"));
        Assert.Contains(ex.Errors, e => e.Line == 4 && e.Message.Contains("windows is empty"));
        Assert.Contains(ex.Errors, e => e.Line == 4 && e.Message.Contains("unknown key 'when' in a schedule"));
        Assert.Contains(ex.Errors, e => e.Line == 4 && e.JsonPath == "domains[2].restart.retries" && e.Message.Contains("between 0 and 1000"));
        Assert.Contains(ex.Errors, e => e.Line == 4 && e.JsonPath == "domains[2].restart.resetAfter");
        Assert.Contains(ex.Errors, e => e.Line == 5 && e.Message.Contains("opens and closes at the same time"));
        Assert.All(ex.Errors, e => Assert.EndsWith("pool.json", e.File));
    }

    [Fact]
    public void A_window_from_a_parameter_is_checked_after_it_is_filled()
    {
        var ex = Invalid("""
            { "name": "p", "parameters": { "nights": "Mon-Fri 19:00-7" },
              "domains": [ { "name": "a", "extends": "debian", "schedule": { "windows": ["${nights}"] } } ] }
            """);
        Assert.Contains(ex.Errors, e => e.Line == 2 && e.Message.Contains("'Mon-Fri 19:00-7' is not a window"));
    }

    [Fact]
    public void The_schedule_survives_the_pool_record_in_the_journal()
    {
        var domain = Load(Story).Domains.Single(d => d.Name == "g4-1");
        var json = Newtonsoft.Json.Linq.JObject.FromObject(domain);
        var back = json.ToObject<PoolDomain>()!;
        Assert.Equal(domain.Schedule!.Windows, back.Schedule!.Windows);
        Assert.Equal(domain.Schedule.Outside, back.Schedule.Outside);
        Assert.Equal(domain.Restart.ResetAfter, back.Restart.ResetAfter);
    }
}

public sealed class ScheduleWindowTests
{
    private static DomainSchedule Nights(string zone = "Europe/Zurich", OutsideAction outside = OutsideAction.Save) =>
        new() { Windows = new[] { "Mon-Fri 19:00-07:00", "Sat-Sun" }, TimeZone = zone, Outside = outside };

    // 2026-11-30 is a Monday; Zurich is UTC+1 in winter.
    private static DateTimeOffset Zurich(int day, int hour, int minute = 0) => new(2026, 11, day, hour, minute, 0, TimeSpan.FromHours(1));

    [Theory]
    [InlineData(30, 12, 0, false)]   // Monday noon
    [InlineData(30, 19, 0, true)]    // Monday 19:00 opens
    [InlineData(30, 18, 59, false)]
    [InlineData(1, 6, 59, true)]     // Tuesday early: Monday's window, crossing midnight
    [InlineData(1, 7, 0, false)]     // Tuesday 07:00 closes
    [InlineData(5, 10, 0, true)]     // Saturday
    [InlineData(6, 23, 59, true)]    // Sunday night
    public void Windows_cross_midnight_and_belong_to_the_day_they_start(int day, int hour, int minute, bool open)
    {
        var at = day < 30 ? new DateTimeOffset(2026, 12, day, hour, minute, 0, TimeSpan.FromHours(1)) : Zurich(day, hour, minute);
        Assert.Equal(open, Nights().IsOpen(at));
        Assert.Equal(open ? DesiredState.Running : DesiredState.Saved, Nights().DesiredAt(at));
    }

    [Fact]
    public void Friday_night_runs_into_Saturday_and_Monday_morning_is_Sunday_nights_window_only_if_Sunday_has_one()
    {
        var s = Nights();
        Assert.True(s.IsOpen(new DateTimeOffset(2026, 12, 5, 3, 0, 0, TimeSpan.FromHours(1))));    // Sat 03:00
        Assert.False(s.IsOpen(new DateTimeOffset(2026, 12, 7, 3, 0, 0, TimeSpan.FromHours(1))));   // Mon 03:00: Sunday's window is the whole day, ending at midnight
    }

    [Fact]
    public void The_zone_decides_the_wall_clock()
    {
        var at = new DateTimeOffset(2026, 11, 30, 18, 30, 0, TimeSpan.Zero);   // 19:30 in Zurich, 13:30 in New York
        Assert.True(Nights("Europe/Zurich").IsOpen(at));
        Assert.False(Nights("America/New_York").IsOpen(at));
    }

    [Fact]
    public void Next_change_is_the_next_edge_that_flips_the_state()
    {
        var s = Nights();
        Assert.Equal(Zurich(30, 19), s.NextChange(Zurich(30, 12)));
        Assert.Equal(new DateTimeOffset(2026, 12, 1, 7, 0, 0, TimeSpan.FromHours(1)), s.NextChange(Zurich(30, 20)));
        // Friday 19:00 opens, and it stays open through the weekend until Monday 07:00? No: Sunday ends at midnight, Monday has no early window.
        Assert.Equal(new DateTimeOffset(2026, 12, 7, 0, 0, 0, TimeSpan.FromHours(1)), s.NextChange(new DateTimeOffset(2026, 12, 4, 20, 0, 0, TimeSpan.FromHours(1))));
        Assert.Null(new DomainSchedule { Windows = new[] { "daily" }, TimeZone = "UTC" }.NextChange(Zurich(30, 12)));
    }

    [Fact]
    public void A_DST_jump_moves_an_edge_inside_the_gap_to_the_gap_s_end()
    {
        var s = new DomainSchedule { Windows = new[] { "Sun 02:30-05:00" }, TimeZone = "Europe/Zurich" };
        // 2027-03-28: clocks go from 02:00 to 03:00 in Zurich; 02:30 does not exist that day.
        var opens = s.NextChange(new DateTimeOffset(2027, 3, 28, 0, 30, 0, TimeSpan.FromHours(1)));
        Assert.Equal(new DateTimeOffset(2027, 3, 28, 3, 0, 0, TimeSpan.FromHours(2)), opens);
    }

    [Theory]
    [InlineData("daily")]
    [InlineData("Sat,Sun")]
    [InlineData("Fri-Mon 22:00-24:00")]
    [InlineData("mon 8:00-12:30")]
    public void Good_windows_parse(string text) => Assert.NotNull(ScheduleWindow.TryParse(text, out _));

    [Theory]
    [InlineData("")]
    [InlineData("weekdays")]
    [InlineData("Mon 19:00")]
    [InlineData("Mon 24:00-07:00")]
    [InlineData("Mon 19:60-20:00")]
    [InlineData("Mon-Fri 19:00-07:00; rm -rf /")]
    public void Bad_windows_are_refused_with_the_rule(string text)
    {
        Assert.Null(ScheduleWindow.TryParse(text, out var error));
        Assert.Contains("not a window", error);
    }
}
