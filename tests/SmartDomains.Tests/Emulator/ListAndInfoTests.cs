using System.Text.RegularExpressions;
using Newtonsoft.Json.Linq;
using Xunit;

namespace SmartDomains.Tests.Emulator;

public class ListAndInfoTests
{
    [Fact]
    public void ListPrintsXlHeaderAndDomain0()
    {
        using var h = new EmulatorHost();
        var r = h.Xl("list");
        Assert.Equal(0, r.Code);
        var lines = r.Out.Split('\n');
        Assert.Equal("Name                                        ID   Mem VCPUs\tState\tTime(s)", lines[0]);
        Assert.Matches(new Regex(@"^Domain-0 {32}     0  1024     8     r-----  +\d+\.\d$"), lines[1]);
        Assert.Equal("", r.Err);
    }

    [Fact]
    public void ListRowsFollowXlFormat()
    {
        using var h = new EmulatorHost();
        Assert.Equal(0, h.Xl("create", "-q", h.Pv("web1", 512)).Code);
        Assert.Equal(0, h.Xl("create", "-q", "-p", h.Pv("web2", 128)).Code);
        var lines = h.Xl("list").Out.Split('\n');
        Assert.Matches(new Regex(@"^web1 {36}     1   512     2     -b----  +\d+\.\d$"), lines[2]);
        Assert.Matches(new Regex(@"^web2 {36}     2   128     2     --p---  +\d+\.\d$"), lines[3]);
        var one = h.Xl("list", "web2").Out.Split('\n');
        Assert.Equal(3, one.Length); // header, row, trailing empty
    }

    [Fact]
    public void ListVerboseAddsUuidAndReason()
    {
        using var h = new EmulatorHost();
        h.Xl("create", "-q", h.Pv("v1"));
        var lines = h.Xl("list", "-v").Out.Split('\n');
        Assert.EndsWith("Time(s)   UUID                            Reason-Code\tSecurity Label", lines[0]);
        Assert.Matches(new Regex(@" 00000000-0000-0000-0000-000000000000        -                -$"), lines[1]);
        Assert.Matches(new Regex(@" [0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}        -                -$"), lines[2]);
    }

    [Fact]
    public void ListLongPrintsJsonWithoutDomain0()
    {
        using var h = new EmulatorHost();
        var disk = h.Disk();
        h.Xl("create", "-q", h.Pv("j1", 300, $"disk = [ '{disk},raw,xvda,rw' ]\nvif = [ 'mac=00:16:3e:aa:bb:cc,ip=10.9.9.9' ]\non_crash = 'preserve'\n"));
        var arr = JArray.Parse(h.Xl("list", "-l").Out);
        var d = (JObject)Assert.Single(arr);
        Assert.Equal(1, (int)d["domid"]!);
        var c = d["config"]!;
        Assert.Equal("j1", (string)c["c_info"]!["name"]!);
        Assert.Equal("pv", (string)c["c_info"]!["type"]!);
        Assert.Equal(300 * 1024, (long)c["b_info"]!["target_memkb"]!);
        Assert.Equal(disk, (string)c["disks"]![0]!["pdev_path"]!);
        Assert.Equal("xenbr0", (string)c["nics"]![0]!["bridge"]!);
        Assert.Equal("00:16:3e:aa:bb:cc", (string)c["nics"]![0]!["mac"]!);
        Assert.Equal("preserve", (string)c["on_crash"]!);
        Assert.Equal("destroy", (string)c["on_poweroff"]!);
    }

    [Fact]
    public void InfoAccountsMemoryAndAnswersSingleKeys()
    {
        using var h = new EmulatorHost();
        h.Xl("create", "-q", h.Pv("m1", 1000));
        var info = h.Xl("info").Out.Split('\n');
        Assert.Equal("host                   : testhost", info[0]);
        Assert.Contains("total_memory           : 16384", info);
        Assert.Contains("free_memory            : 14360", info);
        Assert.Contains("xen_version            : 4.17.3", info);
        Assert.Equal("14360\n", h.Xl("info", "free_memory").Out);
    }

    [Fact]
    public void DomidAndDomnameAndUptime()
    {
        using var h = new EmulatorHost();
        h.Xl("create", "-q", h.Pv("u1"));
        Assert.Equal("1\n", h.Xl("domid", "u1").Out);
        Assert.Equal("u1\n", h.Xl("domname", "1").Out);
        var bad = h.Xl("domid", "nope");
        Assert.Equal((1, "Can't get domid of domain name 'nope', maybe this domain does not exist.\n"), (bad.Code, bad.Err));
        var up = h.Xl("uptime").Out.Split('\n');
        Assert.Equal("Name".PadRight(33) + "   ID Uptime", up[0]);
        Assert.Matches(new Regex(@"^u1 {31}    1  0:00:0\d$"), up[2]);
    }
}
