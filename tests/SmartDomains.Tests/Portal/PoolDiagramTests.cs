using System.Globalization;
using System.Xml.Linq;
using SmartDomains.Planning;
using SmartDomains.Portal;
using SmartDomains.Tests.Pools;
using Xunit;

namespace SmartDomains.Tests.Portal;

public sealed class PoolDiagramTests
{
    private static readonly XNamespace Svg = "http://www.w3.org/2000/svg";
    private static readonly string[] HostNames = { "a", "b", "c", "d", "e" };

    // Five hosts, so the fifth wraps to a second row; dependencies within a host and across hosts; one schedule.
    private const string PoolText = """
        {
          "name": "lab",
          "description": "Physics <lab> & \"friends\"",
          "domains": [
            { "name": "db", "extends": "debian", "memory": "2G", "placement": { "host": "a" } },
            { "name": "web", "extends": ["debian", "small-service"], "dependsOn": "db", "placement": { "host": "a" } },
            { "name": "app", "extends": "debian", "dependsOn": ["db", "web"], "placement": { "host": "b" } },
            { "name": "mon", "extends": "debian", "dependsOn": "db", "placement": { "host": "c" } },
            { "name": "g4", "extends": "fedora", "memory": "4G", "count": 2, "placement": { "host": "e" },
              "schedule": { "windows": ["Mon-Fri 19:00-07:00", "Sat-Sun"], "timeZone": "Europe/Zurich", "outside": "save" } }
          ]
        }
        """;

    private static XenPool Plan()
    {
        var definition = PoolFixture.Loader().LoadText(PoolText, Path.Combine(Path.GetTempPath(), "lab.json"));
        var hosts = HostNames.Select(n => new HostCapacity(n, 32768, 30720, 8, "/etc/xen", "/var/lib/xen/images")).ToArray();
        return PoolPlanner.Plan(definition, hosts);
    }

    private static XElement Render(XenPool pool) => XDocument.Parse(PoolDiagram.RenderSvg(pool)).Root!;

    private static IEnumerable<XElement> Groups(XElement root, string cssClass) =>
        root.Descendants(Svg + "g").Where(g => (string?)g.Attribute("class") == cssClass);

    private static double Number(XElement e, string attribute) => double.Parse((string)e.Attribute(attribute)!, CultureInfo.InvariantCulture);

    [Fact]
    public void Each_host_is_a_box_side_by_side_and_the_fifth_starts_a_new_row()
    {
        var root = Render(Plan());
        Assert.Equal(Svg + "svg", root.Name);
        var hosts = Groups(root, "host").ToArray();
        Assert.Equal(HostNames.Select(n => "host-" + n), hosts.Select(h => (string)h.Attribute("id")!));
        var boxes = hosts.Select(h => h.Element(Svg + "rect")!).ToArray();
        Assert.All(boxes[..4], b => Assert.Equal(Number(boxes[0], "y"), Number(b, "y")));
        Assert.True(Enumerable.Range(1, 3).All(i => Number(boxes[i], "x") > Number(boxes[i - 1], "x") + Number(boxes[i - 1], "width")));
        Assert.Equal(Number(boxes[0], "x"), Number(boxes[4], "x"));
        Assert.True(Number(boxes[4], "y") > Number(boxes[0], "y") + Number(boxes[0], "height"));
        Assert.All(hosts, h => Assert.NotEmpty((string)h.Element(Svg + "title")!));
    }

    [Fact]
    public void Each_domain_is_a_group_inside_its_hosts_box_with_its_stage_badge()
    {
        var pool = Plan();
        var root = Render(pool);
        Assert.Equal(pool.DomainCount, Groups(root, "domain").Count());
        foreach (var domain in pool.Domains)
        {
            var group = Assert.Single(root.Descendants(Svg + "g"), g => (string?)g.Attribute("id") == "domain-" + domain.Name);
            Assert.Equal("host-" + domain.Host, (string)group.Ancestors(Svg + "g").Single(a => (string?)a.Attribute("class") == "host").Attribute("id")!);
            var stage = pool.Stages.Select((names, i) => (names, i)).Single(s => s.names.Contains(domain.Name)).i + 1;
            var badge = Assert.Single(Groups(group, "stage"));
            Assert.Equal(stage.ToString(CultureInfo.InvariantCulture), badge.Element(Svg + "text")!.Value);
            // Inside the host's box.
            var box = group.Element(Svg + "rect")!;
            var hostBox = group.Parent!.Element(Svg + "rect")!;
            Assert.InRange(Number(box, "x"), Number(hostBox, "x"), Number(hostBox, "x") + Number(hostBox, "width") - Number(box, "width"));
            Assert.InRange(Number(box, "y"), Number(hostBox, "y"), Number(hostBox, "y") + Number(hostBox, "height") - Number(box, "height"));
            Assert.Contains($"{domain.MemoryMiB} MiB", group.Value);
        }
        Assert.Equal(new[] { "1", "2", "3" }, new[] { "db", "web", "app" }.Select(n =>
            Groups(root.Descendants(Svg + "g").Single(g => (string?)g.Attribute("id") == "domain-" + n), "stage").Single().Value.Trim()[^1..]));
    }

    [Fact]
    public void Each_dependency_is_one_arrow_with_the_arrowhead_marker()
    {
        var pool = Plan();
        var root = Render(pool);
        var expected = pool.Domains.SelectMany(d => d.DependsOn.Select(t => $"{d.Name}->{t}")).Order().ToArray();
        Assert.Equal(new[] { "app->db", "app->web", "mon->db", "web->db" }, expected);
        var arrows = Groups(root, "dependency").ToArray();
        Assert.Equal(expected, arrows.Select(a => $"{a.Attribute("data-from")!.Value}->{a.Attribute("data-to")!.Value}").Order());
        Assert.All(arrows, a => Assert.Equal("url(#arrowhead)", (string)a.Element(Svg + "path")!.Attribute("marker-end")!));
        Assert.Single(root.Descendants(Svg + "marker"), m => (string?)m.Attribute("id") == "arrowhead");
    }

    [Fact]
    public void An_arrow_that_would_cross_a_host_between_dips_below_the_row_instead()
    {
        var root = Render(Plan());
        string PathOf(string from, string to) => (string)Groups(root, "dependency")
            .Single(a => (string?)a.Attribute("data-from") == from && (string?)a.Attribute("data-to") == to).Element(Svg + "path")!.Attribute("d")!;
        var hostB = root.Descendants(Svg + "g").Single(g => (string?)g.Attribute("id") == "host-b").Element(Svg + "rect")!;
        var bottom = Number(hostB, "y") + Number(hostB, "height");
        // mon (host c) waits for db (host a): host b stands between them in the row.
        var curve = PathOf("mon", "db").Split(' ');
        Assert.Equal("C", curve[2]);
        Assert.All(new[] { curve[3], curve[4] }, point => Assert.True(double.Parse(point.Split(',')[1], CultureInfo.InvariantCulture) > bottom));
        // app (host b) waits for db (host a), the next host: a straight line.
        Assert.Equal("L", PathOf("app", "db").Split(' ')[2]);
    }

    [Fact]
    public void Windows_and_memory_are_drawn()
    {
        var pool = Plan();
        var root = Render(pool);
        var g4 = root.Descendants(Svg + "g").Single(g => (string?)g.Attribute("id") == "domain-g4-1");
        var windows = g4.Elements(Svg + "text").Where(t => (string?)t.Attribute("class") == "domain-window").Select(t => t.Value).ToArray();
        Assert.Equal(new[] { "runs Mon-Fri 19:00-07:00", "runs Sat-Sun", "outside: save (Europe/Zurich)" }, windows);

        var hostA = root.Descendants(Svg + "g").Single(g => (string?)g.Attribute("id") == "host-a");
        Assert.Contains("32768 MiB total \u00b7 30720 free \u00b7 pool 2560", hostA.Value);
        Rect(hostA, "memory-free", out var free);
        Rect(hostA, "memory-used", out var used);
        Rect(hostA, "memory-pool", out var share);
        Assert.Equal(Number(free, "width") * 2048 / 32768, Number(used, "width"), 1);
        Assert.Equal(Number(free, "width") * 2560 / 32768, Number(share, "width"), 1);
        Assert.Equal(Number(used, "x") + Number(used, "width"), Number(share, "x"), 1);
        static void Rect(XElement host, string cssClass, out XElement rect) =>
            rect = host.Descendants(Svg + "rect").Single(r => (string?)r.Attribute("class") == cssClass);
    }

    [Fact]
    public void A_running_pool_from_Get_XenPool_shows_what_was_free_before_it()
    {
        var planned = Plan();
        // As Get-XenPool makes it: db and web run on a, so xl info's free memory there no longer holds them.
        var pool = new XenPool(planned.Definition,
            planned.HostCapacities.Select(h => h.Name == "a" ? h with { FreeMemoryMiB = 30720 - 2560 } : h).ToArray(), planned.Storage);
        pool.LiveStates["db"] = new SmartDomains.Model.XenDomain { Name = "db", Host = "a", MemoryMiB = 2048 };
        pool.LiveStates["web"] = new SmartDomains.Model.XenDomain { Name = "web", Host = "a", MemoryMiB = 512 };
        pool.LiveStates["app"] = null;
        var hostA = Render(pool).Descendants(Svg + "g").Single(g => (string?)g.Attribute("id") == "host-a");
        Assert.Contains("32768 MiB total \u00b7 30720 free \u00b7 pool 2560", hostA.Value);
        Assert.StartsWith("a: 32768 MiB total, 30720 MiB free before the pool; the pool's 2 domains take 2560 MiB", hostA.Element(Svg + "title")!.Value);
    }

    [Fact]
    public void Text_is_escaped_and_the_picture_is_self_contained_and_the_same_every_time()
    {
        var pool = Plan();
        var text = PoolDiagram.RenderSvg(pool);
        Assert.Contains("Physics &lt;lab&gt; &amp; \"friends\"", text);
        Assert.DoesNotContain("<lab>", text);
        var root = XDocument.Parse(text).Root!;
        Assert.Equal("Physics <lab> & \"friends\"", root.Element(Svg + "desc")!.Value);
        Assert.Empty(root.Descendants().Where(e => e.Name.LocalName is "script" or "image" or "foreignObject" or "a" or "use"));
        Assert.Empty(root.DescendantsAndSelf().Attributes().Where(a => a.Name.LocalName.StartsWith("on", StringComparison.Ordinal)
            || a.Name.LocalName == "href" || (a.Value.Contains("url(") && !a.Value.StartsWith("url(#", StringComparison.Ordinal))));
        Assert.Equal(text, PoolDiagram.RenderSvg(pool));
        Assert.Equal(text, PoolDiagram.RenderSvg(Plan()));
    }
}
