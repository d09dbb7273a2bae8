using System.Reflection;
using System.Text.Json.Nodes;
using Newtonsoft.Json;
using Newtonsoft.Json.Linq;
using Newtonsoft.Json.Serialization;
using SmartDomains.Emulator.Output;
using SmartDomains.Emulator.Settings;
using SmartDomains.Emulator.State;
using Xunit;

namespace SmartDomains.Tests.Emulator;

/// <summary>
/// The emulator left Newtonsoft for System.Text.Json (NativeAOT). Its JSON must stay what Newtonsoft wrote: the layout and
/// escaping of `xl list -l` and save files, and the snake_case keys of settings.json and state.json.
/// </summary>
public class JsonFormatTests
{
    public static TheoryData<string> Strings => new()
    {
        "", "plain", "quote\" back\\slash", "tab\tnl\ncr\rbs\bff\f", "\u0001\u001f\u007f", "\u0085\u2028\u2029", "ünïcödé €", "<>&'+",
    };

    [Theory]
    [MemberData(nameof(Strings))]
    public void PrettyJsonWritesWhatNewtonsoftWrote(string text)
    {
        var ours = new JsonObject
        {
            ["s"] = text, ["n"] = 42, ["l"] = 17179869184L, ["empty"] = new JsonObject(), ["none"] = new JsonArray(),
            ["list"] = new JsonArray(0, 1), [text] = new JsonArray(new JsonObject { ["x"] = text }),
        };
        var theirs = new JObject
        {
            ["s"] = text, ["n"] = 42, ["l"] = 17179869184L, ["empty"] = new JObject(), ["none"] = new JArray(),
            ["list"] = new JArray(0, 1), [text] = new JArray(new JObject { ["x"] = text }),
        };
        var sw = new StringWriter();
        using (var w = new JsonTextWriter(sw) { Formatting = Formatting.Indented, Indentation = 4, IndentChar = ' ' })
            theirs.WriteTo(w);
        Assert.Equal(sw.ToString(), PrettyJson.Write(ours));
    }

    [Fact]
    public void SnakeCaseKeysAreNewtonsoftsKeys()
    {
        var newtonsoft = new SnakeCaseNamingStrategy();
        var ours = System.Text.Json.JsonNamingPolicy.SnakeCaseLower;
        var types = new[] { typeof(EmulatorSettings), typeof(VolumeGroupSettings), typeof(LatencySettings), typeof(FaultSettings),
            typeof(HostState), typeof(DomainRecord), typeof(DomainSpec), typeof(DiskSpec), typeof(NicSpec), typeof(LogicalVolumeRecord) };
        foreach (var p in types.SelectMany(t => t.GetProperties(BindingFlags.Public | BindingFlags.Instance)))
            Assert.Equal(newtonsoft.GetPropertyName(p.Name, false), ours.ConvertName(p.Name));
    }

    [Fact]
    public void SettingsReadAsLeniently()
    {
        var json = "{ \"Guest_Ports\": [2222], // a comment\n \"latency_ms\": { \"create\": \"250\" }, \"nr_cpus\": 4, }";
        var s = System.Text.Json.JsonSerializer.Deserialize(json, EmulatorJson.Default.EmulatorSettings)!;
        Assert.Equal(new[] { 2222 }, s.GuestPorts);
        Assert.Equal(250, s.LatencyMs.Create);
        Assert.Equal(4, s.NrCpus);
        Assert.Equal(new[] { "vg0" }, s.VolumeGroups.Keys);
    }

    [Fact]
    public void SettingsWithAByteOrderMarkLoad()
    {
        var dir = Directory.CreateTempSubdirectory("xlemu-bom-").FullName;
        try
        {
            File.WriteAllText(Path.Combine(dir, "settings.json"), "{ \"nr_cpus\": 3 }", new System.Text.UTF8Encoding(true));
            Assert.Equal(3, EmulatorSettings.Load(dir).NrCpus);
        }
        finally { Directory.Delete(dir, true); }
    }
}
