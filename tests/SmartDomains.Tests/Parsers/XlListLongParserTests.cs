using SmartDomains.Xl;
using Xunit;
using static SmartDomains.Tests.Parsers.XlSamples;

namespace SmartDomains.Tests.Parsers;

public class XlListLongParserTests
{
    [Fact]
    public void Sample_file_parses_typed_fields()
    {
        var list = XlListLongParser.Parse(Read("list-l.json"), Host);
        Assert.Equal(2, list.Count);

        var web = list[0];
        Assert.Equal(1, web.DomId);
        Assert.Equal("web01", web.Name);
        Assert.Equal(Guid.Parse("5c8e2a7d-1f4b-4c1e-9a6e-0d3f2b7c8a91"), web.Uuid);
        Assert.Equal("pv", web.Type);
        Assert.Equal(1048576, web.MaxMemKb);
        Assert.Equal(524288, web.TargetMemKb);
        Assert.Equal(512, web.TargetMemoryMiB);
        Assert.Equal(1024, web.MaxMemoryMiB);
        Assert.Equal(2, web.MaxVcpus);
        Assert.Null(web.OnPoweroff); // libxl omits the default
        Assert.Equal("restart", web.OnReboot);
        Assert.Equal("preserve", web.OnCrash);
        Assert.Equal("destroy", web.OnWatchdog);

        Assert.Equal(2, web.Disks.Count);
        Assert.Equal(new XlDiskDetail("/dev/vg0/web01-disk", "xvda", "phy", "raw", true, false), web.Disks[0]);
        Assert.Equal(new XlDiskDetail("/var/lib/xen/images/tools.iso", "xvdb", "qdisk", "raw", false, true), web.Disks[1]);

        var nic = Assert.Single(web.Nics);
        Assert.Equal(0, nic.DevId);
        Assert.Equal("00:16:3e:5a:21:0b", nic.Mac);
        Assert.Equal("xenbr0", nic.Bridge);
        Assert.Equal("10.0.0.11", nic.Ip);
        Assert.Equal("vif-bridge", nic.Script);
        Assert.Equal("vif", nic.NicType);
        Assert.Null(nic.Model);

        Assert.Equal("pygrub", (string?)web.Config["b_info"]!["bootloader"]);
        Assert.Equal(1, (int)web.Raw["domid"]!);
        Assert.Equal("soft_reset", (string?)web.Config["on_soft_reset"]);

        var g4 = list[1];
        Assert.Equal("hvm", g4.Type);
        Assert.Equal(16384, g4.TargetMemoryMiB);
        Assert.Equal(8, g4.MaxVcpus);
        Assert.Empty(g4.Nics);
        Assert.Equal("qcow2", Assert.Single(g4.Disks).Format);
        Assert.Equal("coredump_restart", g4.OnCrash);
        Assert.Equal("geant4-overnight-a (2)", g4.ToString());
    }

    [Theory]
    [InlineData("[]")]
    [InlineData("[\n]\n")]
    [InlineData("[\n\n]\n")]
    public void Empty_array_means_no_domains(string text)
    {
        Assert.Empty(XlListLongParser.Parse(text, Host));
    }

    [Fact]
    public void Minimal_element_leaves_typed_fields_null()
    {
        var d = Assert.Single(XlListLongParser.Parse("[{\"domid\": null, \"config\": {}}]", Host));
        Assert.Null(d.DomId);
        Assert.Null(d.Name);
        Assert.Null(d.Uuid);
        Assert.Null(d.TargetMemKb);
        Assert.Null(d.TargetMemoryMiB);
        Assert.Empty(d.Disks);
        Assert.Empty(d.Nics);
    }

    [Fact]
    public void Crlf_json_parses()
    {
        var list = XlListLongParser.Parse(WithCrLf(Read("list-l.json")), Host);
        Assert.Equal("web01", list[0].Name);
    }

    [Fact]
    public void Dates_in_strings_stay_strings()
    {
        var d = Assert.Single(XlListLongParser.Parse("[{\"domid\": 3, \"config\": {\"c_info\": {\"name\": \"2024-02-27T10:00:00\"}}}]", Host));
        Assert.Equal("2024-02-27T10:00:00", d.Name);
    }

    [Theory]
    [InlineData("", "empty")]
    [InlineData("   \n", "empty")]
    [InlineData("{\"domid\": 1}", "expected a JSON array")]
    [InlineData("[\n    {\n        \"domid\": 1,\n        \"config\": {\n", "invalid JSON")]
    [InlineData("[1]", "must be objects")]
    [InlineData("[{\"domid\": 1}]", "no \"config\"")]
    [InlineData("[{\"domid\": \"one\", \"config\": {}}]", "\"domid\" must be an integer")]
    [InlineData("[{\"domid\": 1, \"config\": {\"c_info\": {\"uuid\": \"nope\"}}}]", "not a UUID")]
    [InlineData("[{\"domid\": 1, \"config\": {\"c_info\": {\"name\": 5}}}]", "\"name\" must be a string")]
    [InlineData("[{\"domid\": 1, \"config\": {\"b_info\": {\"max_memkb\": 1.5}}}]", "\"max_memkb\" must be an integer")]
    [InlineData("[{\"domid\": 1, \"config\": {\"disks\": {}}}]", "\"disks\" must be an array")]
    [InlineData("[{\"domid\": 1, \"config\": {\"nics\": [\"x\"]}}]", "\"nics\" elements must be objects")]
    [InlineData("[{\"domid\": 99999999999, \"config\": {}}]", "out of range")]
    [InlineData("[] []", "invalid JSON")]
    [InlineData("Parsing config from x\n[]", "invalid JSON")]
    public void Malformed_output_raises_XlOutputUnparsable(string text, string inMessage)
    {
        var ex = Assert.Throws<XenHostException>(() => XlListLongParser.Parse(text, Host));
        Assert.Equal(XenErrorIds.XlOutputUnparsable, ex.ErrorId);
        Assert.Contains(inMessage, ex.Message);
    }

    [Fact]
    public void Json_error_names_the_offending_line()
    {
        string text = "[\n    {\n        \"domid\": 1,\n        \"config\": { \"c_info\": { \"name\": \"x\" } }\n        oops\n    }\n]\n";
        var ex = Assert.Throws<XenHostException>(() => XlListLongParser.Parse(text, Host));
        Assert.Contains("oops", ex.Message);
    }
}
