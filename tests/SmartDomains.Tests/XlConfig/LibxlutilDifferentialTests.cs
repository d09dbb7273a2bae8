using System.Text;
using SmartDomains.XlConfig;
using Xunit;

namespace SmartDomains.Tests.XlConfig;

/// <summary>
/// Our xl.cfg parser against Xen's libxlutil on every corpus config: verdict, report lines, every setting,
/// and every getter's rc and value. libxlutil must be installed (Debian libxenmisc4.17); without it these fail.
/// </summary>
[Trait("Needs", "libxlutil")]
public class LibxlutilDifferentialTests
{
    public static IEnumerable<object[]> Corpus() => XlConfigCorpus.All();

    private static void RequireLibxlutil() =>
        Assert.True(Libxlutil.Available,
            "libxlutil.so.4.17 is not installed: install Debian package libxenmisc4.17 (apt-get install libxenmisc4.17). " +
            "The differential test needs Xen's own parser as the referee.");

    [Fact]
    public void CorpusIsLargeEnough() => Assert.True(XlConfigCorpus.All().Count() >= 150);

    [Theory]
    [MemberData(nameof(Corpus))]
    public void AgreesWithLibxlutil(string id, string config)
    {
        RequireLibxlutil();
        var bytes = Encoding.UTF8.GetBytes(config);
        var ours = XlConfigParser.Parse(bytes, "test.cfg");
        var getters = new Dictionary<string, object>();
        var theirs = Libxlutil.Parse(bytes, "test.cfg", r =>
        {
            foreach (var name in r.Settings.Select(s => s.Name).Distinct())
            {
                getters[name + "/string"] = Libxlutil.GetString(r.Cfg, name);
                getters[name + "/long"] = Libxlutil.GetLong(r.Cfg, name);
                var (rc, items) = Libxlutil.GetList(r.Cfg, name);
                getters[name + "/list"] = (rc, string.Join("\u0001", items.Select(x => x ?? "<null>")));
            }
            getters["absent/string"] = Libxlutil.GetString(r.Cfg, "absent");
            getters["absent/long"] = Libxlutil.GetLong(r.Cfg, "absent");
        });

        Assert.True(theirs.Rc == ours.Rc, $"{id}: rc libxlutil={theirs.Rc} ours={ours.Rc}\n{Show(config)}\nlibxlutil: {string.Join(" | ", theirs.Messages)}\nours: {string.Join(" | ", ours.Messages)}");
        Assert.Equal(theirs.Messages, ours.Messages);
        if (theirs.Rc != 0) return;

        var cfg = ours.Config!;
        Assert.Equal(theirs.Settings.Select(Describe), cfg.Settings.Select(s => Describe(s)));
        foreach (var name in cfg.Names)
        {
            int rc = cfg.GetString(name, out var s);
            Assert.Equal(getters[name + "/string"], ((int, string?))(rc, s));
            rc = cfg.GetLong(name, out var l);
            Assert.Equal(getters[name + "/long"], ((int, long))(rc, l));
            rc = cfg.GetList(name, out var items);
            var listText = string.Join("\u0001", items.Select(x => x is XlConfigString str ? str.Text : "<null>"));
            Assert.Equal(getters[name + "/list"], ((int, string))(rc, rc == 0 ? listText : ""));
        }
        Assert.Equal(getters["absent/string"], ((int, string?))(cfg.GetString("absent", out var a), a));
        Assert.Equal(getters["absent/long"], ((int, long))(cfg.GetLong("absent", out var al), al));
    }

    private static string Describe(Libxlutil.RefSetting s) => $"{s.Name}@{s.Line}{(s.Append ? "+=" : "=")}{DescribeValue(s.Value)}";
    private static string Describe(XlConfigSetting s) => $"{s.Name}@{s.Line}{(s.IsAppend ? "+=" : "=")}{DescribeValue(s.Value)}";

    private static string DescribeValue(object v) => v switch
    {
        string s => "\"" + s + "\"",
        List<object> l => "[" + string.Join(",", l.Select(DescribeValue)) + "]",
        XlConfigString s => "\"" + s.Text + "\"",
        XlConfigList l => "[" + string.Join(",", l.Items.Select(DescribeValue)) + "]",
        _ => "?",
    };

    private static string Show(string c) => c.Replace("\r", "\\r").Replace("\n", "\\n\n");
}
