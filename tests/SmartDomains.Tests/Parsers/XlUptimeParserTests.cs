using SmartDomains.Xl;
using Xunit;
using static SmartDomains.Tests.Parsers.XlSamples;

namespace SmartDomains.Tests.Parsers;

public class XlUptimeParserTests
{
    [Fact]
    public void Sample_file_has_all_three_forms()
    {
        var rows = XlUptimeParser.Parse(Read("uptime.txt"), Host);
        Assert.Equal(4, rows.Count);
        Assert.Equal(new XlUptime("Domain-0", 0, new TimeSpan(12, 3, 4, 5)), rows[0]);
        Assert.Equal(new XlUptime("web01", 1, new TimeSpan(1, 23, 59, 59)), rows[1]);
        Assert.Equal(new XlUptime("geant4-overnight-a", 2, new TimeSpan(7, 8, 9)), rows[2]);
        Assert.Equal(new XlUptime("a-very-long-domain-name-for-the-slc6-glite-test-nodes-000001", 9, TimeSpan.FromSeconds(42)), rows[3]);
    }

    // uptime_to_string: "%d days, %2d:%02d:%02d" (day > 1), "%d day, ..." (day == 1), "%2d:%02d:%02d".
    private static string Format(long seconds)
    {
        long day = seconds / 86400, rest = seconds % 86400;
        long h = rest / 3600, m = rest % 3600 / 60, s = rest % 60;
        string hms = $"{h,2}:{m:D2}:{s:D2}";
        return day > 1 ? $"{day} days, {hms}" : day == 1 ? $"{day} day, {hms}" : hms;
    }

    [Theory]
    [InlineData(0L)]
    [InlineData(1L)]
    [InlineData(59L)]
    [InlineData(3599L)]
    [InlineData(3600L)]
    [InlineData(36000L)]
    [InlineData(86399L)]
    [InlineData(86400L)]
    [InlineData(90061L)]
    [InlineData(172799L)]
    [InlineData(172800L)]
    [InlineData(31536000L)]
    [InlineData(4294967295L)]
    public void Round_trips_xl_formatting(long seconds)
    {
        string text = string.Format("{0,-33} {1,4} {2}\n", "Name", "ID", "Uptime") + UptimeRow("vm1", 17, Format(seconds)) + "\n";
        var row = Assert.Single(XlUptimeParser.Parse(text, Host));
        Assert.Equal("vm1", row.Name);
        Assert.Equal(17, row.DomId);
        Assert.Equal(TimeSpan.FromSeconds(seconds), row.Uptime);
    }

    [Fact]
    public void Null_name_becomes_null()
    {
        string text = "Name                                ID Uptime\n" + UptimeRow("(null)", 5, " 0:00:01") + "\n";
        Assert.Null(Assert.Single(XlUptimeParser.Parse(text, Host)).Name);
    }

    [Fact]
    public void Header_only_means_no_rows()
    {
        Assert.Empty(XlUptimeParser.Parse("Name                                ID Uptime\r\n", Host));
    }

    [Theory]
    [InlineData(" 10:15:02 up 12 days,  3:04, Domain-0 (0)", "Domain-0", 0, 12, 3, 4)]
    [InlineData(" 10:15:02 up 1 day, 23:59, web01 (1)", "web01", 1, 1, 23, 59)]
    [InlineData(" 10:15:02 up  7:08, geant4 (2)", "geant4", 2, 0, 7, 8)]
    [InlineData(" 00:00:00 up  0:00, (null) (31)", null, 31, 0, 0, 0)]
    public void Short_form_of_uptime_s(string line, string? name, int id, int days, int h, int m)
    {
        var row = Assert.Single(XlUptimeParser.Parse(line + "\n", Host));
        Assert.Equal(name, row.Name);
        Assert.Equal(id, row.DomId);
        Assert.Equal(new TimeSpan(days, h, m, 0), row.Uptime);
    }

    [Theory]
    [InlineData("", "empty")]
    [InlineData("Name ID Time\n", "header")]
    [InlineData("Name                                ID Uptime\nvm1                                  3 12:00\n", "H:MM:SS")]
    [InlineData("Name                                ID Uptime\nvm1                                  3 1:60:00\n", "H:MM:SS")]
    [InlineData("Name                                ID Uptime\nvm1                                  3 1:00:0\n", "H:MM:SS")]
    [InlineData("Name                                ID Uptime\nvm1                                  3 x days,  1:00:00\n", "day count")]
    [InlineData("Name                                ID Uptime\nvm1                                  x  1:00:00\n", "ID")]
    [InlineData("Name                                ID Uptime\n                                     3  1:00:00\n", "Name")]
    [InlineData(" 10:15:02 up  7:08, geant4 (two)\n", "up")]
    public void Malformed_output_raises_XlOutputUnparsable(string text, string inMessage)
    {
        var ex = Assert.Throws<XenHostException>(() => XlUptimeParser.Parse(text, Host));
        Assert.Equal(XenErrorIds.XlOutputUnparsable, ex.ErrorId);
        Assert.Contains(inMessage, ex.Message);
    }
}
