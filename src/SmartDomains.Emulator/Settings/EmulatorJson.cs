using System.Text.Json;
using System.Text.Json.Serialization;
using SmartDomains.Emulator.State;

namespace SmartDomains.Emulator.Settings;

/// <summary>
/// settings.json and state.json, snake_case. Source-generated so the NativeAOT build serialises without reflection.
/// Reading is as forgiving as Newtonsoft was (any key case, comments, trailing commas, numbers in strings), since
/// people and PowerShell's ConvertTo-Json write settings.json.
/// </summary>
[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.SnakeCaseLower, WriteIndented = true,
    PropertyNameCaseInsensitive = true, ReadCommentHandling = JsonCommentHandling.Skip, AllowTrailingCommas = true,
    NumberHandling = JsonNumberHandling.AllowReadingFromString)]
[JsonSerializable(typeof(EmulatorSettings))]
[JsonSerializable(typeof(HostState))]
public sealed partial class EmulatorJson : JsonSerializerContext
{
    /// <summary>A file's bytes as UTF-8 JSON (read as bytes: no UTF-16 copy), without the BOM an editor may have added.</summary>
    public static ReadOnlySpan<byte> ReadFile(string path)
    {
        var bytes = File.ReadAllBytes(path);
        return bytes.AsSpan().StartsWith("\uFEFF"u8) ? bytes.AsSpan(3) : bytes;
    }
}
