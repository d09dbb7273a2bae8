using Newtonsoft.Json.Linq;
using Xunit;

namespace SmartDomains.Tests.Emulator;

public class CreateTests
{
    [Fact]
    public void PrintsParsingLineUnlessQuiet()
    {
        using var h = new EmulatorHost();
        var cfg = h.Pv("a1");
        Assert.Equal(new EmulatorHost.Result(0, "", $"Parsing config from {cfg}\n"), h.Xl("create", cfg));
        Assert.Equal(new EmulatorHost.Result(0, "", ""), h.Xl("create", "-q", h.Pv("a2")));
    }

    [Fact]
    public void DomidsIncreaseAndAreNeverReused()
    {
        using var h = new EmulatorHost();
        h.Xl("create", "-q", h.Pv("d1"));
        h.Xl("create", "-q", h.Pv("d2"));
        Assert.Equal(0, h.Xl("destroy", "d2").Code);
        h.Xl("create", "-q", h.Pv("d3"));
        Assert.Equal("3\n", h.Xl("domid", "d3").Out);
        Assert.Equal(0, h.Xl("destroy", "1").Code);
        Assert.Equal(1, h.Xl("domid", "d2").Code); // destroyed, and its domid 2 was not handed out again
    }

    [Fact]
    public void MemoryExhaustionFailsLikeXl()
    {
        using var h = new EmulatorHost(s => { s["total_memory"] = 2048; s["dom0_memory"] = 1024; });
        Assert.Equal(0, h.Xl("create", "-q", h.Pv("small", 700)).Code);
        var r = h.Xl("create", "-q", h.Pv("big", 400));
        Assert.Equal((3, "failed to free memory for the domain\n"), (r.Code, r.Err));
        Assert.DoesNotContain("big", h.Xl("list").Out);
        Assert.Equal("324\n", h.Xl("info", "free_memory").Out);
    }

    [Fact]
    public void OutOfMemoryFault()
    {
        using var h = new EmulatorHost(s => s["faults"]!["create_out_of_memory"] = true);
        var r = h.Xl("create", "-q", h.Pv("x", 32));
        Assert.Equal((3, "failed to free memory for the domain\n"), (r.Code, r.Err));
    }

    [Fact]
    public void DuplicateNameFailsAndUsesUpADomid()
    {
        using var h = new EmulatorHost();
        var cfg = h.Pv("vm1");
        h.Xl("create", "-q", cfg);
        var r = h.Xl("create", "-q", cfg);
        Assert.Equal(3, r.Code);
        Assert.Equal(
            "libxl: error: libxl_domain.c:81:libxl__domain_rename: Domain 2:Domain with name \"vm1\" already exists.\n" +
            "libxl: error: libxl_create.c:1309:initiate_domain_create: Domain 2:cannot make domain: -6\n", r.Err);
        h.Xl("create", "-q", h.Pv("vm2"));
        Assert.Equal("3\n", h.Xl("domid", "vm2").Out);
    }

    [Fact]
    public void MissingDiskTarget()
    {
        using var h = new EmulatorHost();
        var r = h.Xl("create", "-q", h.Pv("dk", extra: "disk = [ 'phy:/nonexistent/vg/lv,xvda,w' ]\n"));
        Assert.Equal(3, r.Code);
        Assert.Matches(@"^libxl: error: libxl_device\.c:\d+:libxl__device_disk_set_backend: Disk vdev=xvda failed to stat: /nonexistent/vg/lv: No such file or directory\n", r.Err);
        Assert.Contains("Domain 1:Unable to set disk defaults for disk 0", r.Err);
        Assert.DoesNotContain("dk", h.Xl("list").Out);
    }

    [Fact]
    public void LegacyDiskSpecsLibxlutilAcceptsCreateTheDomain()
    {
        using var h = new EmulatorHost();
        var r = h.Xl("create", "-q", h.Pv("legacy", extra: "disk = [ ',hdc:cdrom,r', 'nbd:192.168.0.1:8000,xvda,w' ]\n"));
        Assert.Equal((0, ""), (r.Code, r.Err));
        var disks = (JArray)JArray.Parse(h.Xl("list", "-l").Out)[0]["config"]!["disks"]!;
        Assert.Equal(("", "empty", 1), ((string)disks[0]["pdev_path"]!, (string)disks[0]["format"]!, (int)disks[0]["is_cdrom"]!));
        Assert.Equal(("192.168.0.1:8000", "block-nbd"), ((string)disks[1]["pdev_path"]!, (string)disks[1]["script"]!));
    }

    [Fact]
    public void DiskSpecLibxlutilRefusesFailsWithItsLine()
    {
        using var h = new EmulatorHost();
        var cfg = h.Pv("bad", extra: "disk = [ 'foo:/dev/x,xvda,w' ]\n");
        var r = h.Xl("create", "-q", cfg);
        Assert.Equal((1, $"{cfg}: config parsing error in disk specification: unknown deprecated disk prefix: near `foo:' in `foo:/dev/x,xvda,w'\n"),
            (r.Code, r.Err));
        Assert.DoesNotContain("bad", h.Xl("list").Out);
    }

    [Fact]
    public void PvWithoutKernelOrBootloader()
    {
        using var h = new EmulatorHost();
        var r = h.Xl("create", "-q", h.Config("nok.cfg", "name = 'nok'\nmemory = 64\n"));
        Assert.Equal((1, "Neither kernel nor bootloader specified\n"), (r.Code, r.Err));
        Assert.Equal(0, h.Xl("create", "-q", h.Config("hvm.cfg", "name = 'h'\ntype = 'hvm'\n")).Code);
        Assert.Equal(0, h.Xl("create", "-q", h.Config("pyg.cfg", "name = 'g'\nbootloader = 'pygrub'\n")).Code);
    }

    [Fact]
    public void NameIsRequired()
    {
        using var h = new EmulatorHost();
        var r = h.Xl("create", "-q", h.Config("nn.cfg", "memory = 64\n"));
        Assert.Equal((1, "Domain name must be specified.\n"), (r.Code, r.Err));
    }

    [Fact]
    public void SyntaxErrorReportsLibxlutilMessage()
    {
        using var h = new EmulatorHost();
        var cfg = h.Config("bad.cfg", "name = 'x'\nmemory = \nvcpus = 1\n");
        var r = h.Xl("create", cfg);
        Assert.Equal(1, r.Code);
        Assert.Equal($"Parsing config from {cfg}\n" +
                     $"{cfg}:1: config parsing error near <newline>: syntax error, unexpected NEWLINE, expecting STRING or NUMBER or '['\n" +
                     "Failed to parse config: Invalid argument\n", r.Err);
    }

    [Fact]
    public void MissingConfigFile()
    {
        using var h = new EmulatorHost();
        var r = h.Xl("create", "/nonexistent/vm.cfg");
        Assert.Equal((3, "Failed to read config file: /nonexistent/vm.cfg: No such file or directory\n"), (r.Code, r.Err));
    }

    [Fact]
    public void KeyValueArgumentsOverrideTheFile()
    {
        using var h = new EmulatorHost();
        Assert.Equal(0, h.Xl("create", "-q", h.Pv("base", 256), "name=\"over\"", "memory=100").Code);
        var c = JArray.Parse(h.Xl("list", "-l").Out)[0]["config"]!;
        Assert.Equal("over", (string)c["c_info"]!["name"]!);
        Assert.Equal(100 * 1024, (long)c["b_info"]!["target_memkb"]!);
    }

    [Fact]
    public void CommandsLogRecordsEachInvocationQuoted()
    {
        using var h = new EmulatorHost();
        var cfg = h.Pv("lg");
        h.Xl("create", "-q", cfg, "extra=\"console=hvc0 it's\"");
        h.Xl("list");
        var lines = h.LogLines();
        Assert.Equal(2, lines.Length);
        Assert.Matches(@"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z\t", lines[0]);
        Assert.Equal($"xl create -q {cfg} 'extra=\"console=hvc0 it'\\''s\"'", lines[0].Split('\t')[1]);
        Assert.Equal("xl list", lines[1].Split('\t')[1]);
    }
}
