using SmartDomains.Xl;
using Xunit;
using static SmartDomains.Tests.Parsers.XlSamples;

namespace SmartDomains.Tests.Parsers;

public class XlVcpuListParserTests
{
    [Fact]
    public void Sample_file_parses_online_and_offline_vcpus()
    {
        var rows = XlVcpuListParser.Parse(Read("vcpu-list.txt"), Host);
        Assert.Equal(4, rows.Count);
        Assert.Equal(new XlVcpu("Domain-0", 0, 0, 3, "r--", 5012.4, "all", "all"), rows[0]);
        Assert.True(rows[0].Running);
        Assert.True(rows[0].Online);
        Assert.Equal(new XlVcpu("Domain-0", 0, 1, 7, "-b-", 4870.1, "all", "all"), rows[1]);
        Assert.True(rows[1].Blocked);
        Assert.Equal(new XlVcpu("web01", 1, 0, 2, "-b-", 52.7, "0-3,6", "all"), rows[2]);
        var offline = rows[3];
        Assert.Null(offline.Cpu);
        Assert.False(offline.Online);
        Assert.Equal("--p", offline.State);
        Assert.Equal("none", offline.SoftAffinity);
    }

    [Theory]
    [InlineData("a-very-long-domain-name-for-the-slc6-glite-test-nodes-000001", 12345, 127, 255)]
    [InlineData("vm with spaces", 1, 0, 0)]
    [InlineData("(null)", 9, 0, 1)]
    public void Rows_parse_from_the_right(string name, int id, int vcpu, int cpu)
    {
        string header = string.Format("{0,-32} {1,5} {2,5} {3,5} {4,5} {5,9} {6}", "Name", "ID", "VCPU", "CPU", "State", "Time(s)", "Affinity (Hard / Soft)");
        string row = string.Format(System.Globalization.CultureInfo.InvariantCulture,
            "{0,-32} {1,5} {2,5}{3,5} {4,3}{5}- {6,9:F1}  {7} / {8}", name, id, vcpu, cpu, 'r', '-', 1.5, "0,2-5", "all");
        var v = Assert.Single(XlVcpuListParser.Parse(header + "\n" + row + "\n", Host));
        Assert.Equal(name == "(null)" ? null : name, v.Name);
        Assert.Equal(id, v.DomId);
        Assert.Equal(vcpu, v.VCpu);
        Assert.Equal(cpu, v.Cpu);
        Assert.Equal("0,2-5", v.HardAffinity);
    }

    [Theory]
    [InlineData("any cpu", "any cpu")]
    [InlineData("0-3,6", "0-3,6")]
    public void Before_4_5_the_one_affinity_column_is_the_hard_affinity(string printed, string hard)
    {
        // tools/libxl/xl_cmdimpl.c before 4.5: header "... %9s %s" with "CPU Affinity"; rows end "%9.1f  " + one bitmap.
        string header = string.Format("{0,-32} {1,5} {2,5} {3,5} {4,5} {5,9} {6}", "Name", "ID", "VCPU", "CPU", "State", "Time(s)", "CPU Affinity");
        string row = string.Format(System.Globalization.CultureInfo.InvariantCulture,
            "{0,-32} {1,5} {2,5}{3,5} {4,3}{5}- {6,9:F1}  {7}", "(null)", 3, 0, 1, '-', 'b', 0.4, printed);
        var v = Assert.Single(XlVcpuListParser.Parse(header + "\n" + row + "\n", Host));
        Assert.Equal(new XlVcpu(null, 3, 0, 1, "-b-", 0.4, hard, null), v);
    }

    [Theory]
    [InlineData("Name ID VCPU CPU State Time(s)\n", "header")]
    [InlineData("", "empty")]
    [InlineData("Name ID VCPU CPU State Time(s) Affinity (Hard / Soft)\nvm 1 0 2 -b- 1.0 all all\n", "hard / soft")]
    [InlineData("Name ID VCPU CPU State Time(s) Affinity (Hard / Soft)\nvm 1 0 2 -x- 1.0 all / all\n", "State")]
    [InlineData("Name ID VCPU CPU State Time(s) CPU Affinity\nvm 1 0 2 -b- 1.0 all / all\n", "Time(s)")]
    [InlineData("Name ID VCPU CPU State Time(s) Affinity (Hard / Soft)\nvm 1 0 - -b- 1.0 all / all\n", "offline")]
    [InlineData("Name ID VCPU CPU State Time(s) Affinity (Hard / Soft)\nvm 1 0 2 --p 1.0 all / all\n", "offline")]
    [InlineData("Name ID VCPU CPU State Time(s) Affinity (Hard / Soft)\nvm 1 0 two -b- 1.0 all / all\n", "CPU")]
    [InlineData("Name ID VCPU CPU State Time(s) Affinity (Hard / Soft)\n1 0 2 -b- 1.0 all / all\n", "Name")]
    public void Malformed_output_raises_XlOutputUnparsable(string text, string inMessage)
    {
        var ex = Assert.Throws<XenHostException>(() => XlVcpuListParser.Parse(text, Host));
        Assert.Equal(XenErrorIds.XlOutputUnparsable, ex.ErrorId);
        Assert.Contains(inMessage, ex.Message);
    }
}

public class XlNetworkListParserTests
{
    [Fact]
    public void Sample_file_parses()
    {
        var rows = XlNetworkListParser.Parse(Read("network-list.txt"), Host);
        Assert.Equal(2, rows.Count);
        Assert.Equal(new XlNetworkDevice(0, 0, "00:16:3e:5a:21:0b", 0, 4, 19, 768, 769, "/local/domain/0/backend/vif/1/0"), rows[0]);
        Assert.Equal(XenbusState.Connected, rows[0].State);
        Assert.Equal(1, rows[0].FrontendDomId);
        Assert.Equal(XenbusState.Initialising, rows[1].State);
        Assert.Equal(-1, rows[1].EventChannel);
        Assert.Equal(-1, rows[1].TxRingRef);
        Assert.Equal(-1, rows[1].RxRingRef);
    }

    [Fact]
    public void A_six_digit_handle_touching_the_mac_is_split()
    {
        string header = Read("network-list.txt").Split('\n')[0];
        string row = "0   0  00:16:3e:5a:21:0b123456     4     19   768/769         /local/domain/0/backend/vif/1/0";
        var d = Assert.Single(XlNetworkListParser.Parse(header + "\n" + row, Host));
        Assert.Equal(123456, d.Handle);
        Assert.Equal("00:16:3e:5a:21:0b", d.Mac);
    }

    [Fact]
    public void Header_only_and_crlf()
    {
        Assert.Empty(XlNetworkListParser.Parse(WithCrLf(Read("network-list.txt").Split('\n')[0] + "\n"), Host));
        Assert.Equal(2, XlNetworkListParser.Parse(WithCrLf(Read("network-list.txt")), Host).Count);
    }

    [Theory]
    [InlineData("", "empty")]
    [InlineData("Idx BE Mac handle state\n", "header")]
    [InlineData("0   0  00:16:3e:5a:21:0b     0     4     19   768/769\n", "8 columns")]
    [InlineData("0   0  00:16:3e:5a:21     0     4     19   768/769         /p\n", "MAC")]
    [InlineData("0   0  00:16:3e:5a:21:0b     0     4     19   768-769         /p\n", "ring refs")]
    [InlineData("x   0  00:16:3e:5a:21:0b     0     4     19   768/769         /p\n", "Idx")]
    [InlineData("0   0  00:16:3e:5a:21:0b     0     up    19   768/769         /p\n", "state")]
    public void Malformed_rows_raise_XlOutputUnparsable(string rowOrText, string inMessage)
    {
        string header = Read("network-list.txt").Split('\n')[0];
        string text = rowOrText.Length == 0 || rowOrText.StartsWith("Idx") ? rowOrText : header + "\n" + rowOrText;
        var ex = Assert.Throws<XenHostException>(() => XlNetworkListParser.Parse(text, Host));
        Assert.Equal(XenErrorIds.XlOutputUnparsable, ex.ErrorId);
        Assert.Contains(inMessage, ex.Message);
    }
}

public class XlBlockListParserTests
{
    [Fact]
    public void Sample_file_parses()
    {
        var rows = XlBlockListParser.Parse(Read("block-list.txt"), Host);
        Assert.Equal(3, rows.Count);
        Assert.Equal(new XlBlockDevice(51712, 0, 1, 4, 17, 8, "/local/domain/0/backend/vbd/1/51712"), rows[0]);
        Assert.Equal("xvda", rows[0].VdevName);
        Assert.Equal(XenbusState.Connected, rows[0].State);
        Assert.Equal(1, rows[0].FrontendDomId);
        Assert.Equal("xvdb", rows[1].VdevName);
        Assert.Equal(1, rows[1].FrontendDomId);
        Assert.Equal("hdc", rows[2].VdevName);
        Assert.Equal(XenbusState.Closed, rows[2].State);
    }

    [Theory]
    [InlineData(51712, "xvda")]
    [InlineData(51713, "xvda1")]
    [InlineData(51728, "xvdb")]
    [InlineData(51952, "xvdp")]
    [InlineData(268439552, "xvdq")] // (1<<28) | (16<<8)
    [InlineData(268442112, "xvdaa")] // (1<<28) | (26<<8)
    [InlineData(268442113, "xvdaa1")]
    [InlineData(768, "hda")]
    [InlineData(769, "hda1")]
    [InlineData(832, "hdb")]
    [InlineData(5632, "hdc")]
    [InlineData(5696, "hdd")]
    [InlineData(2048, "sda")]
    [InlineData(2064, "sdb")]
    [InlineData(2050, "sda2")]
    [InlineData(1, null)]
    [InlineData(-1, null)]
    public void Vdev_numbers_decode(int devid, string? name)
    {
        Assert.Equal(name, XlDevicePaths.DecodeVdev(devid));
    }

    [Theory]
    [InlineData("/local/domain/0/backend/vbd/7/51712", 7)]
    [InlineData("/local/domain/0/backend/vif/12/0", 12)]
    [InlineData("/local/domain/0/backend/qdisk/3/768", 3)]
    [InlineData("(null)", null)]
    [InlineData("", null)]
    public void Frontend_domid_comes_from_the_backend_path(string path, int? domid)
    {
        Assert.Equal(domid, XlDevicePaths.FrontendDomId(path));
    }

    [Theory]
    [InlineData("", "empty")]
    [InlineData("Vdev BE handle state\n", "header")]
    [InlineData("Vdev  BE  handle state evt-ch ring-ref BE-path\n51712 0   1      4     17     8\n", "7 columns")]
    [InlineData("Vdev  BE  handle state evt-ch ring-ref BE-path\nxvda  0   1      4     17     8        /p\n", "Vdev")]
    [InlineData("Vdev  BE  handle state evt-ch ring-ref BE-path\n51712 0   1      4     17     8        /p  extra\n", "7 columns")]
    public void Malformed_output_raises_XlOutputUnparsable(string text, string inMessage)
    {
        var ex = Assert.Throws<XenHostException>(() => XlBlockListParser.Parse(text, Host));
        Assert.Equal(XenErrorIds.XlOutputUnparsable, ex.ErrorId);
        Assert.Contains(inMessage, ex.Message);
    }
}

public class XlDomIdParserTests
{
    [Theory]
    [InlineData("0\n", 0)]
    [InlineData("7\n", 7)]
    [InlineData("32751\r\n", 32751)]
    [InlineData("12", 12)]
    [InlineData("3\n\n", 3)]
    public void Parses_the_domid(string text, int expected)
    {
        Assert.Equal(expected, XlDomIdParser.Parse(text, Host));
    }

    [Theory]
    [InlineData("", "empty")]
    [InlineData("\n", "empty")]
    [InlineData("-1\n", "digits only")]
    [InlineData("vm1\n", "digits only")]
    [InlineData(" 7\n", "digits only")]
    [InlineData("99999999999\n", "digits only")]
    [InlineData("1\n2\n", "single line")]
    public void Rejects_anything_but_one_number(string text, string inMessage)
    {
        var ex = Assert.Throws<XenHostException>(() => XlDomIdParser.Parse(text, Host));
        Assert.Equal(XenErrorIds.XlOutputUnparsable, ex.ErrorId);
        Assert.Contains(inMessage, ex.Message);
    }
}
