using SmartDomains.Model;
using SmartDomains.Tests.Emulator;
using SmartDomains.Xl;
using Xunit;

namespace SmartDomains.Tests.Parsers;

/// <summary>Every parser reads what the emulator prints: the two sides of the xl format are written separately.</summary>
public sealed class EmulatorOutputTests : IDisposable
{
    private readonly EmulatorHost _host = new(s => s["faults"]!["crash_after_boot_s"] = new Newtonsoft.Json.Linq.JObject { ["crashy"] = 0 });

    public EmulatorOutputTests()
    {
        var disk = _host.Disk("web.img");
        Assert.Equal(0, _host.Xl("create", "-q", _host.Pv("web-1", 512, $"disk = [ 'format=raw, vdev=xvda, access=rw, target={disk}' ]\nvif = [ 'mac=00:16:3e:01:02:03,bridge=xenbr0,ip=127.0.55.1' ]")).Code);
        Assert.Equal(0, _host.Xl("create", "-q", _host.Pv("paused", 128), "-p").Code);
        Assert.Equal(0, _host.Xl("create", "-q", _host.Pv("crashy", 64, "on_crash = 'preserve'")).Code);
    }

    public void Dispose() => _host.Dispose();

    [Fact]
    public void List_and_list_v()
    {
        foreach (var args in new[] { new[] { "list" }, new[] { "list", "-v" } })
        {
            var domains = XlListParser.Parse(_host.Xl(args).Out, "h");
            Assert.Equal(new[] { "Domain-0", "web-1", "paused", "crashy" }, domains.Select(d => d.Name));
            Assert.Equal(DomainState.Paused, domains.Single(d => d.Name == "paused").State);
            Assert.Equal(DomainState.Crashed, domains.Single(d => d.Name == "crashy").State);
            Assert.Equal(512, domains.Single(d => d.Name == "web-1").MemoryMiB);
            Assert.Equal(2, domains.Single(d => d.Name == "web-1").VCpus);
            Assert.True(domains.Select(d => d.DomId).SequenceEqual(new[] { 0, 1, 2, 3 }));
        }
        Assert.All(XlListParser.Parse(_host.Xl("list", "-v").Out, "h").Skip(1), d => Assert.NotNull(d.Uuid));
    }

    [Fact]
    public void List_l()
    {
        var details = XlListLongParser.Parse(_host.Xl("list", "-l").Out, "h");
        var web = details.Single(d => d.Name == "web-1");
        Assert.Equal(512, web.TargetMemoryMiB);
        Assert.Equal("xvda", web.Disks.Single().Vdev);
        Assert.Equal("00:16:3e:01:02:03", web.Nics.Single().Mac);
        Assert.Equal("127.0.55.1", web.Nics.Single().Ip);
        Assert.DoesNotContain(details, d => d.DomId == 0);
    }

    [Fact]
    public void Info_and_info_key()
    {
        var info = XlInfoParser.Parse(_host.Xl("info").Out, "h");
        Assert.Equal("testhost", info.HostName);
        Assert.Equal(16384, info.TotalMemoryMiB);
        Assert.Equal(16384 - 1024 - 512 - 128 - 64, info.FreeMemoryMiB);
        Assert.Equal(info.FreeMemoryMiB.ToString(), XlInfoParser.ParseValue(_host.Xl("info", "free_memory").Out, "free_memory", "h"));
    }

    [Fact]
    public void Uptime_vcpu_network_block_and_domid()
    {
        var uptime = XlUptimeParser.Parse(_host.Xl("uptime").Out, "h");
        Assert.Contains(uptime, u => u.Name == "web-1" && u.DomId == 1);
        var vcpus = XlVcpuListParser.Parse(_host.Xl("vcpu-list").Out, "h");
        Assert.Equal(2, vcpus.Count(v => v.Name == "web-1"));
        var nic = Assert.Single(XlNetworkListParser.Parse(_host.Xl("network-list", "web-1").Out, "h"));
        Assert.Equal("00:16:3e:01:02:03", nic.Mac);
        var disk = Assert.Single(XlBlockListParser.Parse(_host.Xl("block-list", "web-1").Out, "h"));
        Assert.Equal("xvda", disk.VdevName);
        Assert.Equal(1, XlDomIdParser.Parse(_host.Xl("domid", "web-1").Out, "h"));
    }

    [Fact]
    public void Failures_classify()
    {
        var r = _host.Xl("destroy", "nope");
        var error = XlErrorClassifier.Classify(new[] { "destroy", "nope" }, r.Code, r.Err);
        Assert.Equal(XlErrorKind.InvalidDomainIdentifier, error!.Kind);
        var dup = _host.Xl("create", "-q", _host.Pv("web-1", 64));
        Assert.Equal(XlErrorKind.NameExists, XlErrorClassifier.Classify(new[] { "create", "-q", "x.cfg" }, dup.Code, dup.Err)!.Kind);
        var oom = _host.Xl("create", "-q", _host.Pv("big", 100000));
        Assert.Equal(XlErrorKind.OutOfMemory, XlErrorClassifier.Classify(new[] { "create", "-q", "big.cfg" }, oom.Code, oom.Err)!.Kind);
    }
}
