using Newtonsoft.Json;
using Newtonsoft.Json.Linq;

namespace SmartDomains.Xl;

/// <summary>One disk of a domain's configuration (libxl_device_disk).</summary>
/// <param name="PdevPath">The target: a file, a volume or a device.</param>
/// <param name="Vdev">The guest device name, e.g. xvda.</param>
/// <param name="Backend">libxl_disk_backend: "phy", "qdisk", "tap", "standalone", "unknown"; null when libxl omitted it.</param>
/// <param name="Format">libxl_disk_format: "raw", "qcow", "qcow2", "vhd", "qed", "empty"; null when omitted.</param>
/// <param name="ReadWrite">libxl omits readwrite when it is 0, so a missing value means read-only.</param>
/// <param name="IsCdrom">From "is_cdrom"; missing means false.</param>
public sealed record XlDiskDetail(string? PdevPath, string? Vdev, string? Backend, string? Format, bool ReadWrite, bool IsCdrom);

/// <summary>One network interface of a domain's configuration (libxl_device_nic).</summary>
public sealed record XlNicDetail(int? DevId, string? Mac, string? Bridge, string? Ip, string? Script, string? Model, string? VifName, string? NicType);

/// <summary>
/// One domain of `xl list -l`: the typed fields a cmdlet needs, plus the raw JSON object for everything else.
/// libxl leaves fields at their default value out of the JSON, so every typed field may be null.
/// </summary>
public sealed class XlDomainDetail
{
    public int? DomId { get; init; }
    public string? Name { get; init; }
    public Guid? Uuid { get; init; }
    /// <summary>c_info.type: "pv", "pvh" or "hvm".</summary>
    public string? Type { get; init; }
    public long? MaxMemKb { get; init; }
    public long? TargetMemKb { get; init; }
    public int? MaxVcpus { get; init; }
    public IReadOnlyList<XlDiskDetail> Disks { get; init; } = Array.Empty<XlDiskDetail>();
    public IReadOnlyList<XlNicDetail> Nics { get; init; } = Array.Empty<XlNicDetail>();
    /// <summary>libxl_action_on_shutdown as libxl names it: "destroy", "restart", "restart_rename", "preserve",
    /// "coredump_destroy", "coredump_restart", "soft_reset".</summary>
    public string? OnPoweroff { get; init; }
    public string? OnReboot { get; init; }
    public string? OnCrash { get; init; }
    public string? OnWatchdog { get; init; }
    /// <summary>The whole array element: { "domid": N, "config": { ... } }.</summary>
    public JObject Raw { get; init; } = new();
    /// <summary>The "config" object (libxl_domain_config).</summary>
    public JObject Config => Raw["config"] as JObject ?? new JObject();

    public long? TargetMemoryMiB => TargetMemKb / 1024;
    public long? MaxMemoryMiB => MaxMemKb / 1024;

    public override string ToString() => $"{Name ?? "(null)"} ({DomId})";
}

/// <summary>
/// Parses `xl list -l` (JSON output format, xl.conf's default): a JSON array of { "domid", "config" } objects
/// (tools/xl/xl_info.c, list_domains_details; libxl_domain_config_gen_json). Domain-0 has no stored
/// configuration, so it is normally absent. The SXP format (output_format="sxp") is not supported.
/// </summary>
public static class XlListLongParser
{
    private const string Command = "xl list -l";

    public static IReadOnlyList<XlDomainDetail> Parse(string text, string host)
    {
        if (string.IsNullOrWhiteSpace(text))
            throw XlText.Unparsable(Command, host, 0, null, "the output is empty (xl prints a JSON array)");

        JToken root;
        try
        {
            using var reader = new JsonTextReader(new StringReader(text))
            {
                DateParseHandling = DateParseHandling.None,
                FloatParseHandling = FloatParseHandling.Double,
            };
            root = JToken.ReadFrom(reader);
            while (reader.Read())
            {
                if (reader.TokenType != JsonToken.Comment)
                    throw new JsonReaderException($"Additional content after the array ({reader.TokenType}).", reader.Path, reader.LineNumber, reader.LinePosition, null);
            }
        }
        catch (JsonReaderException ex)
        {
            throw XlText.Unparsable(Command, host, ex.LineNumber, LineAt(text, ex.LineNumber), "invalid JSON: " + ex.Message);
        }

        if (root is not JArray array)
            throw XlText.Unparsable(Command, host, 1, LineAt(text, 1), $"expected a JSON array, found {root.Type}");

        var result = new List<XlDomainDetail>(array.Count);
        foreach (var item in array)
        {
            if (item is not JObject obj)
                throw Bad(text, host, item, $"array elements must be objects, found {item.Type}");
            result.Add(ParseOne(text, host, obj));
        }
        return result;
    }

    private static XlDomainDetail ParseOne(string text, string host, JObject obj)
    {
        if (obj["config"] is not JObject config)
            throw Bad(text, host, obj, "the element has no \"config\" object");
        var cInfo = OptObject(text, host, config, "c_info");
        var bInfo = OptObject(text, host, config, "b_info");

        string? uuidText = Str(text, host, cInfo, "uuid");
        Guid? uuid = null;
        if (uuidText != null)
        {
            if (!Guid.TryParse(uuidText, out var g)) throw Bad(text, host, cInfo!["uuid"]!, $"c_info.uuid '{uuidText}' is not a UUID");
            uuid = g;
        }

        return new XlDomainDetail
        {
            DomId = Int(text, host, obj, "domid") ?? Int(text, host, cInfo, "domid"),
            Name = Str(text, host, cInfo, "name"),
            Uuid = uuid,
            Type = Str(text, host, cInfo, "type"),
            MaxMemKb = Long(text, host, bInfo, "max_memkb"),
            TargetMemKb = Long(text, host, bInfo, "target_memkb"),
            MaxVcpus = Int(text, host, bInfo, "max_vcpus"),
            Disks = Objects(text, host, config, "disks").Select(d => new XlDiskDetail(
                Str(text, host, d, "pdev_path"),
                Str(text, host, d, "vdev"),
                Str(text, host, d, "backend"),
                Str(text, host, d, "format"),
                (Long(text, host, d, "readwrite") ?? 0) != 0,
                (Long(text, host, d, "is_cdrom") ?? 0) != 0)).ToArray(),
            Nics = Objects(text, host, config, "nics").Select(n => new XlNicDetail(
                Int(text, host, n, "devid"),
                Str(text, host, n, "mac"),
                Str(text, host, n, "bridge"),
                Str(text, host, n, "ip"),
                Str(text, host, n, "script"),
                Str(text, host, n, "model"),
                Str(text, host, n, "ifname"),
                Str(text, host, n, "nictype"))).ToArray(),
            OnPoweroff = Str(text, host, config, "on_poweroff"),
            OnReboot = Str(text, host, config, "on_reboot"),
            OnCrash = Str(text, host, config, "on_crash"),
            OnWatchdog = Str(text, host, config, "on_watchdog"),
            Raw = obj,
        };
    }

    private static JObject? OptObject(string text, string host, JObject parent, string key)
    {
        var t = parent[key];
        if (t == null || t.Type == JTokenType.Null) return null;
        return t as JObject ?? throw Bad(text, host, t, $"\"{key}\" must be an object, found {t.Type}");
    }

    private static IEnumerable<JObject> Objects(string text, string host, JObject parent, string key)
    {
        var t = parent[key];
        if (t == null || t.Type == JTokenType.Null) return Array.Empty<JObject>();
        if (t is not JArray a) throw Bad(text, host, t, $"\"{key}\" must be an array, found {t.Type}");
        return a.Select(e => e as JObject ?? throw Bad(text, host, e, $"\"{key}\" elements must be objects, found {e.Type}")).ToArray();
    }

    private static string? Str(string text, string host, JObject? parent, string key)
    {
        var t = parent?[key];
        if (t == null || t.Type == JTokenType.Null) return null;
        if (t.Type != JTokenType.String) throw Bad(text, host, t, $"\"{key}\" must be a string, found {t.Type}");
        return (string?)t;
    }

    private static long? Long(string text, string host, JObject? parent, string key)
    {
        var t = parent?[key];
        if (t == null || t.Type == JTokenType.Null) return null;
        if (t.Type != JTokenType.Integer) throw Bad(text, host, t, $"\"{key}\" must be an integer, found {t.Type}");
        try { return (long)t; }
        catch (OverflowException) { throw Bad(text, host, t, $"\"{key}\" is out of range"); }
    }

    private static int? Int(string text, string host, JObject? parent, string key)
    {
        var v = Long(text, host, parent, key);
        if (v is null) return null;
        if (v < int.MinValue || v > int.MaxValue) throw Bad(text, host, parent![key]!, $"\"{key}\" is out of range");
        return (int)v;
    }

    private static XenHostException Bad(string text, string host, JToken token, string reason)
    {
        int line = token is IJsonLineInfo li && li.HasLineInfo() ? li.LineNumber : 0;
        return XlText.Unparsable(Command, host, line, line > 0 ? LineAt(text, line) : null, $"{reason} (at {token.Path})");
    }

    private static string? LineAt(string text, int lineNumber)
    {
        if (lineNumber <= 0) return null;
        var lines = XlText.Lines(text);
        return lineNumber <= lines.Count ? lines[lineNumber - 1] : null;
    }
}
