using System.Text;
using Newtonsoft.Json.Linq;
using SmartDomains.Planning;
using SmartDomains.Pools;
using SmartDomains.Tests.XlConfig;
using Xunit;

namespace SmartDomains.Tests.Pools;

/// <summary>
/// Hostile values in every string field of the pool language, written in the pool, in a template, or filled from a
/// parameter. Each case has one of two outcomes: refused by the loader (PoolFileInvalid at a line, a column and the field's
/// JSON path, naming the parameter when one filled it; nothing has reached a host, since loading asks no host), or carried
/// faithfully: Xen's own libxlutil reads the rendered xl.cfg back with exactly the settings and spec keys the pool gives and
/// exactly the value written.
/// </summary>
[Trait("Needs", "libxlutil")]
public sealed class HostileInputCorpusTests
{
    private static readonly HostCapacity[] Hosts = { new("a", 65536, 65536, 16, "/etc/xen", "/var/lib/xen/images") };
    private static readonly string File = Path.Combine(Path.GetTempPath(), "hostile", "pool.json");

    /// <summary>What happens to a field's value: it is typed, free text, one of a list, a name, or never leaves the controller.</summary>
    public enum Carry { Typed, Text, Choice, Name, Local }

    public sealed record Field(string Where, string Key, Carry Carry)
    {
        public override string ToString() => $"{Where}.{Key}";
    }

    private static readonly Field[] Fields =
    {
        new("domain", "kernel", Carry.Typed), new("domain", "ramdisk", Carry.Typed), new("domain", "bootloader", Carry.Typed),
        new("domain", "cmdline", Carry.Text), new("domain", "type", Carry.Choice), new("domain", "onCrash", Carry.Choice),
        new("domain", "onReboot", Carry.Choice), new("domain", "onPoweroff", Carry.Choice), new("domain", "name", Carry.Name),
        new("domain", "description", Carry.Local),
        new("disk", "volumeGroup", Carry.Typed), new("disk", "from", Carry.Typed), new("disk", "vdev", Carry.Typed),
        new("disk", "format", Carry.Choice), new("disk", "backend", Carry.Choice), new("disk", "access", Carry.Choice),
        new("disk", "filesystem", Carry.Choice),
        new("nic", "bridge", Carry.Typed), new("nic", "mac", Carry.Typed), new("nic", "ip", Carry.Typed), new("nic", "model", Carry.Typed),
        new("placement", "antiAffinity", Carry.Local), new("placement", "policy", Carry.Choice),
        new("pool", "name", Carry.Name), new("pool", "description", Carry.Local),
    };

    /// <summary>Each a way to end a spec pair, add a key, break out of a quote, a shell word or a directory, or look like something else.</summary>
    private static readonly string[] Values =
    {
        "xenbr0,script=/tmp/x", "rtl8139,backend=0", "xvda,script=/tmp/x", "a=b", ",", "a\"b", "a'b", "a\\b", "a\nb", "a\tb",
        "a\u0001b", "a\0b", "$(reboot)", "`id`", "a;b", "a|b", "..", "../../etc/shadow", "/etc/passwd", "/boot/../../etc/shadow",
        new string('a', 5000), "xenbr0\u200b", "x\u0435nbr0", "\uff58enbr0", " xenbr0", "-rf", "", "\ud800",
    };

    public static IEnumerable<object[]> Direct() =>
        from f in Fields from v in Values.Select((_, i) => i) select new object[] { f.Where, f.Key, v };

    public static IEnumerable<object[]> FromParameter() =>
        from f in Fields where f.Carry is Carry.Typed or Carry.Text or Carry.Choice
        from v in Values.Select((_, i) => i) select new object[] { f.Where, f.Key, v };

    public static IEnumerable<object[]> InTemplate() =>
        from f in Fields where f.Carry is Carry.Typed && f.Where != "pool"
        from v in new[] { 0, 1, 2, 6, 12, 17 } select new object[] { f.Where, f.Key, v };

    private static Field FieldOf(string where, string key) => Fields.Single(f => f.Where == where && f.Key == key);

    [Fact]
    public void The_corpus_has_at_least_200_cases_over_every_string_field()
    {
        var cases = Direct().Count() + FromParameter().Count() + InTemplate().Count();
        Assert.True(cases >= 200, $"{cases} cases");
        // Every string key of every object of the language that ends up in a domain is in the corpus.
        foreach (var (kind, where) in new[] { ("domain", "domain"), ("disk", "disk"), ("nic", "nic"), ("placement", "placement") })
            foreach (var (key, spec) in PoolSchema.Objects[kind].Where(p => p.Value.Kind == FieldKind.String))
                if (!(kind == "placement" && key == "host"))   // a host name is matched against connected hosts, never sent
                    Assert.Contains(Fields, f => f.Where == where && f.Key == key);
    }

    /// <summary>A small pool with one of everything, and the field set to the value (or a placeholder for it).</summary>
    private static JObject Pool(Field field, string value, bool inTemplate = false)
    {
        var domain = new JObject
        {
            ["name"] = "d", ["type"] = "pvh", ["memory"] = "256M", ["kernel"] = "/boot/vmlinuz",
            ["disks"] = new JArray(new JObject { ["size"] = "1G" }),
            ["network"] = new JArray(new JObject { ["bridge"] = "xenbr0", ["ip"] = "10.0.0.5" }),
            ["placement"] = new JObject(),
        };
        var pool = new JObject { ["name"] = "hostile", ["domains"] = new JArray(domain) };
        JObject target = field.Where switch
        {
            "pool" => pool,
            "domain" => domain,
            "disk" => (JObject)domain["disks"]![0]!,
            "nic" => (JObject)domain["network"]![0]!,
            _ => (JObject)domain["placement"]!,
        };
        if (inTemplate)
        {
            // The same field, written in a template the domain extends.
            var template = (JObject)domain.DeepClone();
            template.Remove("name");
            domain.RemoveAll();
            domain["name"] = "d";
            domain["extends"] = "t";
            pool["templates"] = new JObject { ["t"] = template };
            target = field.Where switch
            {
                "domain" => template,
                "disk" => (JObject)template["disks"]![0]!,
                "nic" => (JObject)template["network"]![0]!,
                _ => (JObject)template["placement"]!,
            };
        }
        if (field is { Where: "disk", Key: "volumeGroup" }) target["backend"] = "lvm";
        if (field is { Where: "disk", Key: "from" }) target.Remove("size");
        target[field.Key] = value;
        return pool;
    }

    private static string ExpectedPath(Field field, bool inTemplate) =>
        (inTemplate ? "templates.t" : field.Where == "pool" ? "" : "domains[0]") + field.Where switch
        {
            "pool" => field.Key,
            "domain" => "." + field.Key,
            "disk" => ".disks[0]." + field.Key,
            "nic" => ".network[0]." + field.Key,
            _ => ".placement." + field.Key,
        };

    [Theory]
    [MemberData(nameof(Direct))]
    public void A_hostile_value_written_in_the_pool_is_refused_or_carried_exactly(string where, string key, int value) =>
        Check(FieldOf(where, key), Values[value], parameter: false, inTemplate: false);

    [Theory]
    [MemberData(nameof(FromParameter))]
    public void A_hostile_value_filled_from_a_parameter_is_refused_naming_the_parameter_or_carried_exactly(string where, string key, int value) =>
        Check(FieldOf(where, key), Values[value], parameter: true, inTemplate: false);

    [Theory]
    [MemberData(nameof(InTemplate))]
    public void A_hostile_value_in_a_template_is_refused_where_the_template_says_it(string where, string key, int value) =>
        Check(FieldOf(where, key), Values[value], parameter: false, inTemplate: true);

    private static void Check(Field field, string value, bool parameter, bool inTemplate)
    {
        var json = Pool(field, parameter ? "${p}" : value, inTemplate).ToString();
        var parameters = parameter ? new Dictionary<string, string> { ["p"] = value } : null;
        PoolDefinition definition;
        try
        {
            definition = PoolFixture.Loader().LoadText(json, File, parameters);
        }
        catch (PoolFileInvalidException e)
        {
            Assert.NotEmpty(e.Errors);
            Assert.All(e.Errors, x => Assert.True(x.Line > 0 && x.Column > 0, x.ToString()));
            Assert.All(e.Errors, x => Assert.Equal(File, x.File));
            var path = ExpectedPath(field, inTemplate);
            var at = e.Errors.Where(x => x.JsonPath == path || (field.Carry == Carry.Name && x.JsonPath.StartsWith(path.Split('.')[0], StringComparison.Ordinal))).ToArray();
            Assert.True(at.Length > 0, $"no error at {path}: {e.Message}");
            if (parameter) Assert.Contains(at, x => x.Message.Contains("parameter 'p'", StringComparison.Ordinal));
            return;
        }
        Assert.True(field.Carry is Carry.Text or Carry.Local or Carry.Typed, $"{field} took {HostValues.Show(value)}, which is not one of its values");
        var pool = PoolPlanner.Plan(definition, Hosts);
        var domain = pool.Domains.Single();
        var text = pool.RenderConfig(domain);
        if (field.Carry == Carry.Local)
        {
            var plain = PoolPlanner.Plan(PoolFixture.Loader().LoadText(Pool(field, "plain").ToString(), File), Hosts);
            Assert.Equal(plain.RenderConfig(plain.Domains.Single()), text);
            return;
        }
        ReadBack(text, domain, field, value);
    }

    /// <summary>libxlutil reads exactly the settings the renderer means, each spec has exactly its keys, and the value is the one given.</summary>
    private static void ReadBack(string text, PoolDomain domain, Field field, string value)
    {
        Assert.True(Libxlutil.Available, "libxlutil.so.4.17 (Debian libxenmisc4.17) is needed as the referee; install it.");
        var checkedIt = false;
        var result = Libxlutil.Parse(Encoding.UTF8.GetBytes(text), "d.cfg", r =>
        {
            var expected = new List<string> { "name", "type", "memory", "vcpus" };
            if (domain.Kernel is not null) expected.Add("kernel");
            if (domain.Ramdisk is not null) expected.Add("ramdisk");
            if (domain.Cmdline is not null) expected.Add("cmdline");
            if (domain.Bootloader is not null) expected.Add("bootloader");
            expected.AddRange(new[] { "on_poweroff", "on_reboot", "on_crash", "disk", "vif" });
            Assert.Equal(expected, r.Settings.Select(s => s.Name));
            if (field.Where == "domain") Assert.Equal((0, value), Libxlutil.GetString(r.Cfg, field.Key));
            var disks = Libxlutil.GetList(r.Cfg, "disk").Items;
            Assert.Equal(new[] { "format", "vdev", "access", "target" }, Keys(disks.Single()!, ", "));
            var vif = Libxlutil.GetList(r.Cfg, "vif").Items.Single()!;
            var nic = domain.Network.Single();
            var vifKeys = new List<string> { "mac", "bridge", "ip" };
            if (nic.Model is not null) vifKeys.Add("model");
            Assert.Equal(vifKeys, Keys(vif, ","));
            if (field.Where == "nic") Assert.Contains($"{field.Key}={value}", vif.Split(','));
            if (field.Where == "disk" && field.Key == "vdev") Assert.Contains($"vdev={value}", disks.Single()!.Split(", "));
            checkedIt = true;
        });
        Assert.True(result.Rc == 0, $"libxlutil rejected the config (rc {result.Rc}): {string.Join(" / ", result.Messages)}\n{text}");
        Assert.True(checkedIt);
    }

    private static string[] Keys(string spec, string separator) =>
        spec.Split(separator).Select(p => p.Split('=')[0]).ToArray();
}
