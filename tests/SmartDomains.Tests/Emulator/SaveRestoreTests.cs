using System.Buffers.Binary;
using System.Text;
using Newtonsoft.Json.Linq;
using Xunit;

namespace SmartDomains.Tests.Emulator;

public class SaveRestoreTests
{
    [Fact]
    public void SaveWritesXlHeaderAndDestroysDomain()
    {
        using var h = new EmulatorHost();
        h.Xl("create", "-q", h.Pv("sv", 512));
        var file = Path.Combine(h.Dir, "sv.save");
        var r = h.Xl("save", "sv", file);
        Assert.Equal(0, r.Code);
        var bytes = File.ReadAllBytes(file);
        Assert.Equal("Xen saved domain, xl format\n \0 \r", Encoding.ASCII.GetString(bytes, 0, 32));
        Assert.Equal(0x01020304u, BinaryPrimitives.ReadUInt32LittleEndian(bytes.AsSpan(32)));
        Assert.Equal(3u, BinaryPrimitives.ReadUInt32LittleEndian(bytes.AsSpan(36)));
        Assert.Equal(0u, BinaryPrimitives.ReadUInt32LittleEndian(bytes.AsSpan(40)));
        uint optLen = BinaryPrimitives.ReadUInt32LittleEndian(bytes.AsSpan(44));
        uint cfgLen = BinaryPrimitives.ReadUInt32LittleEndian(bytes.AsSpan(48));
        Assert.Equal(optLen, cfgLen + 4);
        Assert.Equal(0, bytes[52 + cfgLen - 1]); // the JSON is NUL-terminated
        var json = JObject.Parse(Encoding.UTF8.GetString(bytes, 52, (int)cfgLen - 1));
        Assert.Equal("sv", (string)json["c_info"]!["name"]!);
        Assert.Equal("LibxlFmt", Encoding.ASCII.GetString(bytes, 48 + (int)optLen, 8));
        Assert.Equal($"Saving to {file} new xl format (info 0x3/0x0/{optLen})\n", r.Err);
        Assert.DoesNotContain("sv", h.Xl("list").Out);

        var rr = h.Xl("restore", file);
        Assert.Equal(0, rr.Code);
        Assert.Equal($"Loading new save file {file} (new xl fmt info 0x3/0x0/{optLen})\n" +
                     " Savefile contains xl domain config in JSON format\nParsing config from <saved>\n", rr.Err);
        Assert.Equal("2\n", h.Xl("domid", "sv").Out);
        Assert.Contains("   512", h.Xl("list", "sv").Out);
    }

    [Fact]
    public void SaveWithCheckpointKeepsDomainRunning()
    {
        using var h = new EmulatorHost();
        h.Xl("create", "-q", h.Pv("ck"));
        Assert.Equal(0, h.Xl("save", "-c", "ck", Path.Combine(h.Dir, "ck.save")).Code);
        Assert.Contains("-b----", h.Xl("list", "ck").Out);
        Assert.Equal(0, h.Xl("save", "-p", "ck", Path.Combine(h.Dir, "ck2.save")).Code);
        Assert.Contains("--p---", h.Xl("list", "ck").Out);
    }

    [Fact]
    public void SaveDiesMidwayLeavesDomainRunning()
    {
        using var h = new EmulatorHost(s => s["faults"]!["save_dies_midway"] = true);
        h.Xl("create", "-q", h.Pv("sd", 512));
        var file = Path.Combine(h.Dir, "sd.save");
        var r = h.Xl("save", "sd", file);
        Assert.Equal(1, r.Code);
        Assert.EndsWith("Failed to save domain, resuming domain\n", r.Err);
        Assert.Contains("-b----", h.Xl("list", "sd").Out);
        Assert.True(new FileInfo(file).Length > 52, "a partial file is left behind");
    }

    [Fact]
    public void RestoreRejectsBadMagicAndMissingFile()
    {
        using var h = new EmulatorHost();
        var junk = Path.Combine(h.Dir, "junk");
        File.WriteAllBytes(junk, new byte[100]);
        var r = h.Xl("restore", junk);
        Assert.Equal((1, "File has wrong magic number - corrupt or for a different tool?\n"), (r.Code, r.Err));
        r = h.Xl("restore", Path.Combine(h.Dir, "absent"));
        Assert.Equal((1, "Can't open restore file: No such file or directory\n"), (r.Code, r.Err));
    }
}
