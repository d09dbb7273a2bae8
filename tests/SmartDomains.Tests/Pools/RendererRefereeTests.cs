using System.Text;
using SmartDomains.Planning;
using SmartDomains.Pools;
using SmartDomains.Tests.XlConfig;
using SmartDomains.XlConfig;
using Xunit;

namespace SmartDomains.Tests.Pools;

/// <summary>Every config the one renderer produces is parsed by Xen's own libxlutil, and its values checked.</summary>
[Trait("Needs", "libxlutil")]
public sealed class RendererRefereeTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("sd-render-").FullName;
    public void Dispose() => Directory.Delete(_dir, true);

    private static readonly HostCapacity[] Hosts =
    {
        new("a", 65536, 65536, 16, "/etc/xen", "/var/lib/xen/images"),
        new("b", 32768, 32768, 8, "/etc/xen", "/srv/xen/images"),
        new("c", 16384, 16384, 4, "/etc/xen", "/var/lib/xen/images"),
    };

    public static TheoryData<string> Cmdlines => new()
    {
        "console=hvc0 quiet", "root=/dev/xvda1 ro init=\"/bin/sh -c 'echo hi'\"", "a\\b\\\\c", "$(reboot) `id` ; | & > <",
        "tab\there", "ünïcödé=ok", "#not-a-comment", "x=[1,2]", "semi;colon",
    };

    private XenPool PlanSample() =>
        PoolPlanner.Plan(PoolFixture.Loader().LoadFile(PoolFixture.Sample("glite-lab.json")), Hosts);

    [Fact]
    public void Every_domain_of_the_sample_pool_renders_to_a_config_libxlutil_accepts_with_the_same_values()
    {
        Assert.True(Libxlutil.Available, "libxlutil.so.4.17 (Debian libxenmisc4.17) is needed as the referee; install it.");
        var pool = PlanSample();
        Assert.Equal(8, pool.Domains.Count);
        foreach (var domain in pool.Domains) CheckAgainstLibxlutil(pool.RenderConfig(domain), domain);
    }

    [Fact]
    public void The_uuid_Start_XenPool_gives_a_domain_is_read_back_by_libxlutil_and_by_the_emulators_parser()
    {
        Assert.True(Libxlutil.Available, "libxlutil.so.4.17 (Debian libxenmisc4.17) is needed as the referee; install it.");
        var pool = PlanSample();
        var uuid = Guid.NewGuid();
        var text = pool.RenderConfig(pool.Domains[0], uuid);
        var result = Libxlutil.Parse(Encoding.UTF8.GetBytes(text), "u.cfg", r =>
            Assert.Equal((0, uuid.ToString("D")), Libxlutil.GetString(r.Cfg, "uuid")));
        Assert.Equal(0, result.Rc);
        CheckAgainstLibxlutil(text, pool.Domains[0]);
        var typed = XlDomainConfig.From(XlConfigParser.Parse(text, "u.cfg").Config!, out _);
        Assert.Equal(uuid.ToString("D"), typed!.Uuid);
        Assert.DoesNotContain("uuid", pool.RenderConfig(pool.Domains[0]));
    }

    [Theory]
    [MemberData(nameof(Cmdlines))]
    public void Hostile_cmdlines_survive_rendering_exactly(string cmdline)
    {
        Assert.True(Libxlutil.Available, "libxlutil.so.4.17 (Debian libxenmisc4.17) is needed as the referee; install it.");
        var file = PoolFixture.Write(_dir, "p.json", Newtonsoft.Json.JsonConvert.SerializeObject(new
        {
            name = "p",
            domains = new[] { new { name = "k", extends = "debian", cmdline } },
        }));
        var pool = PoolPlanner.Plan(PoolFixture.Loader().LoadFile(file), Hosts);
        CheckAgainstLibxlutil(pool.RenderConfig(pool.Domains[0]), pool.Domains[0]);
    }

    public static TheoryData<string> SpecBreakers => new()
    {
        "xenbr0,script=/tmp/x", "xenbr0=1", "xen\"br0", "xen'br0", "xen\\br0", "xen\nbr0", "xen\u0001br0", "xen br0", "",
    };

    [Theory]
    [MemberData(nameof(SpecBreakers))]
    public void The_renderer_refuses_a_spec_value_that_could_end_its_pair_even_past_the_pool_language(string bad)
    {
        // Objects made in code skip the loader's types: the renderer is the second line of defence.
        var nics = new[]
        {
            new PoolNic { Mac = "00:16:3e:00:00:01", Bridge = bad },
            new PoolNic { Mac = "00:16:3e:00:00:01", Model = bad },
            new PoolNic { Mac = bad },
            new PoolNic { Mac = "00:16:3e:00:00:01", Ip = bad },
        };
        foreach (var nic in nics)
            Assert.Equal(XlConfigRenderer.ValueRefusedId, Assert.Throws<XenHostException>(() => XlConfigRenderer.VifSpec(nic)).ErrorId);
        var disk = new PoolDisk { Vdev = bad, Target = "/var/lib/xen/images/d.img" };
        Assert.Equal(XlConfigRenderer.ValueRefusedId, Assert.Throws<XenHostException>(() => XlConfigRenderer.DiskSpec(disk)).ErrorId);
        Assert.Equal(XlConfigRenderer.ValueRefusedId, Assert.Throws<XenHostException>(() => XlConfigRenderer.VifSpec(new PoolNic { Mac = "00:16:3e:00:00:01" }, bad)).ErrorId);
    }

    [Theory]
    [InlineData(0x01)]
    [InlineData(0x1b)]
    [InlineData(0x00)]
    [InlineData(0x7f)]
    [InlineData(0xd800)]   // an unpaired surrogate (made here: attribute strings cannot hold one)
    public void A_string_setting_that_cannot_round_trip_through_libxlutil_is_refused(int bad) =>
        Assert.Equal(XlConfigRenderer.ValueRefusedId, Assert.Throws<XenHostException>(() => XlConfigRenderer.Str("console=hvc0 " + (char)bad + "x")).ErrorId);

    [Theory]
    [InlineData("a \"quoted\" \\ back\\slash $HOME ${x} `id` $(reboot)")]
    [InlineData("two\nlines\r\n\tand a tab")]
    [InlineData("\ud83d\ude00 and ünïcödé")]
    public void A_string_setting_is_read_back_by_libxlutil_exactly(string value)
    {
        Assert.True(Libxlutil.Available, "libxlutil.so.4.17 (Debian libxenmisc4.17) is needed as the referee; install it.");
        var text = "cmdline = " + XlConfigRenderer.Str(value) + "\n";
        var result = Libxlutil.Parse(Encoding.UTF8.GetBytes(text), "s.cfg", r => Assert.Equal((0, value), Libxlutil.GetString(r.Cfg, "cmdline")));
        Assert.Equal(0, result.Rc);
    }

    [Fact]
    public void A_hosts_vif_script_is_the_only_way_a_script_key_reaches_a_vif_and_it_comes_from_the_allow_list()
    {
        Assert.True(Libxlutil.Available, "libxlutil.so.4.17 (Debian libxenmisc4.17) is needed as the referee; install it.");
        var hosts = Hosts.Select(h => h with { VifScript = h.Name == "b" ? "vif-openvswitch" : null }).ToArray();
        var pool = PoolPlanner.Plan(PoolFixture.Loader().LoadFile(PoolFixture.Sample("glite-lab.json")), hosts);
        var checkedVifs = 0;
        foreach (var domain in pool.Domains.Where(d => d.Network.Count > 0))
            Assert.Equal(0, Libxlutil.Parse(Encoding.UTF8.GetBytes(pool.RenderConfig(domain)), "v.cfg", r =>
                Assert.All(Libxlutil.GetList(r.Cfg, "vif").Items, v =>
                {
                    checkedVifs++;
                    if (domain.Host == "b") Assert.EndsWith(",script=vif-openvswitch", v);
                    else Assert.DoesNotContain("script=", v);
                })).Rc);
        Assert.True(checkedVifs > 0);
        Assert.Contains(pool.Domains, d => d.Host == "b");
        Assert.True(SmartDomains.Pools.HostValues.VifScript.IsValid("/etc/xen/scripts/vif-site"));
        foreach (var bad in new[] { "/tmp/x", "/etc/xen/scripts/../../../tmp/x", "/etc/xen/scripts/a b", "vif-bridge;reboot", "bash" })
        {
            Assert.False(SmartDomains.Pools.HostValues.VifScript.IsValid(bad), bad);
            Assert.Throws<XenHostException>(() => XlConfigRenderer.VifSpec(new PoolNic { Mac = "00:16:3e:00:00:01" }, bad));
        }
    }

    private static void CheckAgainstLibxlutil(string text, PoolDomain domain)
    {
        Libxlutil.RefResult? checkedResult = null;
        var result = Libxlutil.Parse(Encoding.UTF8.GetBytes(text), domain.Name + ".cfg", r =>
        {
            Assert.Equal((0, domain.Name), Libxlutil.GetString(r.Cfg, "name"));
            Assert.Equal((0, domain.Type), Libxlutil.GetString(r.Cfg, "type"));
            Assert.Equal((0, domain.MemoryMiB), Libxlutil.GetLong(r.Cfg, "memory"));
            Assert.Equal((0, (long)domain.VCpus), Libxlutil.GetLong(r.Cfg, "vcpus"));
            Assert.Equal((0, domain.OnCrash), Libxlutil.GetString(r.Cfg, "on_crash"));
            if (domain.Bootloader is not null) Assert.Equal((0, domain.Bootloader), Libxlutil.GetString(r.Cfg, "bootloader"));
            if (domain.Cmdline is not null) Assert.Equal((0, domain.Cmdline), Libxlutil.GetString(r.Cfg, "cmdline"));
            var disks = Libxlutil.GetList(r.Cfg, "disk");
            Assert.Equal(domain.Disks.Select(XlConfigRenderer.DiskSpec), disks.Items);
            var vifs = Libxlutil.GetList(r.Cfg, "vif");
            Assert.Equal(domain.Network.Select(XlConfigRenderer.VifSpec), vifs.Items);
            checkedResult = r;
        });
        Assert.True(result.Rc == 0, $"libxlutil rejected the config (rc {result.Rc}): {string.Join(" / ", result.Messages)}\n{text}");
        Assert.NotNull(checkedResult);

        // The disk and vif strings also mean what we meant, read as xl reads them.
        var parsed = XlConfigParser.Parse(text, domain.Name + ".cfg");
        Assert.True(parsed.Success);
        var typed = XlDomainConfig.From(parsed.Config!, out var failure);
        Assert.Null(failure);
        Assert.Equal(domain.Disks.Select(d => (d.Target, d.Format, d.Vdev, true)), typed!.Disks.Select(d => (d.Target, d.Format, d.Vdev, d.ReadWrite)));
        Assert.Equal(domain.Network.Select(n => (n.Mac, n.Bridge, n.Ip)), typed.Vifs.Select(v => (v.Mac, v.Bridge, v.Ip)));
    }
}
