using SmartDomains.Pools;
using Xunit;

namespace SmartDomains.Tests.Pools;

public sealed class PoolLoaderTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("sd-pool-").FullName;
    public void Dispose() => Directory.Delete(_dir, true);

    private PoolDefinition LoadSample(IReadOnlyDictionary<string, string>? parameters = null) =>
        PoolFixture.Loader().LoadFile(PoolFixture.Sample("glite-lab.json"), parameters);

    private PoolFileInvalidException Invalid(string json, params string[] searchPath)
    {
        var file = PoolFixture.Write(_dir, "pool.json", json);
        return Assert.Throws<PoolFileInvalidException>(() => PoolFixture.Loader(searchPath).LoadFile(file));
    }

    [Fact]
    public void Multi_level_extends_through_an_include_and_shipped_templates_merge_key_by_key()
    {
        var pool = LoadSample();
        var db = pool.Domains.Single(d => d.Name == "db");
        Assert.Equal(new[] { "worker", "site-base", "debian", "base" }, db.TemplateChain);
        Assert.Equal(2048, db.MemoryMiB);            // worker
        Assert.Equal(2, db.VCpus);                   // worker
        Assert.Equal("pv", db.Type);                 // base
        Assert.Equal("pygrub", db.Bootloader);       // base
        Assert.Equal("debian-12", db.Disks.Single().From);  // debian
        Assert.Equal(8L << 30, db.Disks.Single().SizeBytes);
        Assert.Equal(TimeSpan.FromSeconds(120), db.Liveness.Timeout);
        Assert.Equal(3, db.Liveness.Retries);        // base's liveness merged key by key
        Assert.Equal("127.0.10.5", db.Network.Single().Ip);
        Assert.Equal("xenbr0", db.Network.Single().Bridge); // template parameter default
    }

    [Fact]
    public void Lists_are_replaced_unless_appended_with_plus()
    {
        var web = LoadSample().Domains.Single(d => d.Name == "web-1");
        Assert.Equal(2, web.Disks.Count);
        Assert.Equal(("xvda", "qcow2", "debian-12"), (web.Disks[0].Vdev, web.Disks[0].Format, web.Disks[0].From));
        Assert.Equal(("xvdb", "raw", 1L << 30), (web.Disks[1].Vdev, web.Disks[1].Format, web.Disks[1].SizeBytes));
    }

    [Fact]
    public void Count_expands_names_with_suffixes_or_patterns()
    {
        var names = LoadSample().Domains.Select(d => d.Name).ToArray();
        Assert.Equal(new[] { "db", "web-1", "web-2", "ce-01", "ce-02", "ce-03", "g4-1", "g4-2" }, names);
    }

    [Fact]
    public void Mixins_apply_left_to_right_and_the_domain_wins()
    {
        var pool = LoadSample();
        var ce = pool.Domains.Single(d => d.Name == "ce-02");
        Assert.Equal(768, ce.MemoryMiB);                 // the domain itself
        Assert.Equal("restart", ce.OnCrash);             // small-service over slc/base
        Assert.Equal(TimeSpan.FromSeconds(60), ce.Liveness.Timeout);
        Assert.Equal("slc-6", ce.Disks.Single().From);
        var g4 = pool.Domains.Single(d => d.Name == "g4-1");
        Assert.Equal(8, g4.VCpus);
        Assert.Equal(4096, g4.MemoryMiB);
        Assert.Equal("batch-worker", g4.AntiAffinity);
    }

    [Fact]
    public void Parameters_fill_placeholders_and_the_caller_wins()
    {
        var pool = LoadSample(new Dictionary<string, string> { ["bridge"] = "xenbr1" });
        Assert.All(pool.Domains.Where(d => d.TemplateChain.Contains("site-base")), d => Assert.Equal("xenbr1", d.Network[0].Bridge));
    }

    [Fact]
    public void DependsOn_resolves_groups_and_templates_and_orders_stages()
    {
        var pool = LoadSample();
        Assert.Equal(new[] { "db" }, pool.Domains.Single(d => d.Name == "web-2").DependsOn);
        Assert.Equal(new[] { "web-1", "web-2" }, pool.Domains.Single(d => d.Name == "ce-01").DependsOn);
        // "worker" is a template: g4 waits for every domain built from it.
        Assert.Equal(new[] { "db", "web-1", "web-2" }, pool.Domains.Single(d => d.Name == "g4-1").DependsOn);
        Assert.Equal(new[] { "db" }, pool.Stages[0]);
        Assert.Equal(new[] { "web-1", "web-2" }, pool.Stages[1]);
        Assert.Equal(new[] { "ce-01", "ce-02", "ce-03", "g4-1", "g4-2" }, pool.Stages[2]);
    }

    [Fact]
    public void Macs_are_stable_xen_macs()
    {
        var a = LoadSample().Domains.Single(d => d.Name == "web-1").Network[0].Mac;
        var b = LoadSample().Domains.Single(d => d.Name == "web-1").Network[0].Mac;
        var c = LoadSample().Domains.Single(d => d.Name == "web-2").Network[0].Mac;
        Assert.Matches("^00:16:3e:[0-7][0-9a-f]:[0-9a-f]{2}:[0-9a-f]{2}$", a);
        Assert.Equal(a, b);
        Assert.NotEqual(a, c);
    }

    [Fact]
    public void A_site_template_path_overrides_a_shipped_template()
    {
        var site = Directory.CreateDirectory(Path.Combine(_dir, "site")).FullName;
        PoolFixture.Write(site, "site.json", """{ "templates": { "debian": { "extends": "base", "memory": "3G" } } }""");
        var file = PoolFixture.Write(_dir, "p.json", """{ "name": "p", "domains": [ { "name": "a", "extends": "debian" } ] }""");
        Assert.Equal(3072, PoolFixture.Loader(site).LoadFile(file).Domains[0].MemoryMiB);
    }

    [Fact]
    public void Every_error_is_reported_at_once_with_its_position()
    {
        var ex = Invalid("""
            {
              "name": "bad",
              "domains": [
                { "name": "a", "extends": "debain", "memroy": "1G" },
                { "name": "b", "extends": "debian", "memory": "lots" },
                { "name": "c", "extends": "debian", "vcpus": "two" }
              ]
            }
            """);
        Assert.Equal("PoolFileInvalid", ex.ErrorId);
        var messages = ex.Errors.Select(e => e.Message).ToArray();
        Assert.Contains(ex.Errors, e => e.Message.Contains("template 'debain' does not exist; did you mean 'debian'?") && e.Line == 4);
        Assert.Contains(ex.Errors, e => e.Message.Contains("unknown key 'memroy'") && e.Message.Contains("did you mean 'memory'?") && e.Line == 4 && e.JsonPath == "domains[0].memroy");
        Assert.Contains(ex.Errors, e => e.Message.Contains("'lots' is not a size") && e.Line == 5 && e.JsonPath == "domains[1].memory");
        Assert.Contains(ex.Errors, e => e.Message.Contains("vcpus must be a whole number") && e.Line == 6);
        Assert.All(ex.Errors, e => Assert.True(e.Column > 0));
    }

    [Fact]
    public void Extends_cycles_are_rejected()
    {
        var ex = Invalid("""{ "name": "p", "templates": { "a": { "extends": "b" }, "b": { "extends": "a", "memory": 64 } }, "domains": [ { "name": "x", "extends": "a" } ] }""");
        Assert.Contains(ex.Errors, e => e.Message.Contains("templates extend each other in a cycle: b -> a -> b") && e.JsonPath == "templates.a.extends");
    }

    [Fact]
    public void DependsOn_cycles_are_rejected()
    {
        var ex = Invalid("""
            { "name": "p", "domains": [
              { "name": "x", "extends": "debian", "dependsOn": "y" },
              { "name": "y", "extends": "debian", "dependsOn": "x" } ] }
            """);
        Assert.Contains(ex.Errors, e => e.Message.Contains("dependsOn forms a cycle: x -> y -> x"));
    }

    [Fact]
    public void Duplicate_names_after_expansion_are_rejected()
    {
        var ex = Invalid("""{ "name": "p", "domains": [ { "name": "web", "extends": "debian", "count": 2 }, { "name": "web-2", "extends": "debian" } ] }""");
        Assert.Contains(ex.Errors, e => e.Message.Contains("'web-2' is used more than once"));
    }

    [Theory]
    [InlineData("a b")]
    [InlineData("$(reboot)")]
    [InlineData("x;y")]
    [InlineData("Domain-0")]
    [InlineData("-rf")]
    public void Names_a_shell_or_xen_would_not_take_are_rejected(string name)
    {
        var ex = Invalid($$"""{ "name": "p", "domains": [ { "name": {{Newtonsoft.Json.JsonConvert.ToString(name)}}, "extends": "debian" } ] }""");
        Assert.Contains(ex.Errors, e => e.Message.Contains("not a valid domain name"));
    }

    [Fact]
    public void A_missing_parameter_is_named()
    {
        var ex = Invalid("""{ "name": "p", "domains": [ { "name": "a", "extends": "debian", "network": [ { "bridge": "${net}" } ] } ] }""");
        Assert.Contains(ex.Errors, e => e.Message.Contains("parameter 'net' has no value") && e.JsonPath == "domains[0].network[0].bridge");
    }

    [Fact]
    public void A_syntax_error_gives_line_and_column()
    {
        var ex = Invalid("{\n  \"name\": \"p\",\n  \"domains\": [ { \"name\": \"a\" \"extends\": \"debian\" } ]\n}");
        var error = Assert.Single(ex.Errors);
        Assert.Equal(3, error.Line);
        Assert.True(error.Column > 0);
    }

    [Fact]
    public void A_missing_include_names_the_search_path()
    {
        var ex = Invalid("""{ "name": "p", "include": "nowhere.json", "domains": [ { "name": "a", "extends": "debian" } ] }""");
        Assert.Contains(ex.Errors, e => e.Message.Contains("include 'nowhere.json' was not found") && e.Line == 1);
    }
}
