using System.Text;
using SmartDomains.Pools;

namespace SmartDomains.XlConfig;

/// <summary>
/// The one renderer of xl.cfg files. Everything the module boots goes through it. It is the second line of defence behind
/// the pool language's types: a vif or disk spec value that could end its key=value pair or add another key is refused,
/// and string settings are escaped so that libxlutil reads back exactly the value given, or refused.
/// </summary>
public static class XlConfigRenderer
{
    /// <summary>The error id of a value the renderer refuses to write.</summary>
    public const string ValueRefusedId = XenErrorIds.ConfigValueInvalid;

    /// <summary>How every config the module writes begins: cleaning removes only files that start with it.</summary>
    public const string Header = "# Written by SmartDomains";

    /// <param name="uuid">The domain's uuid, which tells it apart from a later domain of the same name; null leaves it to xl.</param>
    /// <param name="vifScript">The host's operator-set vif hotplug script (Connect-XenHost -VifScript), never a pool value.</param>
    public static string Render(PoolDomain domain, string poolName, Guid? uuid = null, string? vifScript = null)
    {
        var sb = new StringBuilder();
        sb.Append(Header).Append(" for pool ").Append(poolName).Append(". Start-XenPool rewrites it.\n");
        Line(sb, "name", Str(domain.Name));
        if (uuid is Guid id) Line(sb, "uuid", Str(id.ToString("D")));
        Line(sb, "type", Str(domain.Type));
        Line(sb, "memory", domain.MemoryMiB.ToString());
        if (domain.MaxMemMiB > domain.MemoryMiB) Line(sb, "maxmem", domain.MaxMemMiB.ToString());
        Line(sb, "vcpus", domain.VCpus.ToString());
        if (domain.MaxVCpus > domain.VCpus) Line(sb, "maxvcpus", domain.MaxVCpus.ToString());
        if (domain.Kernel is not null) Line(sb, "kernel", Str(domain.Kernel));
        if (domain.Ramdisk is not null) Line(sb, "ramdisk", Str(domain.Ramdisk));
        if (domain.Cmdline is not null) Line(sb, "cmdline", Str(domain.Cmdline));
        if (domain.Bootloader is not null) Line(sb, "bootloader", Str(domain.Bootloader));
        Line(sb, "on_poweroff", Str(domain.OnPoweroff));
        Line(sb, "on_reboot", Str(domain.OnReboot));
        Line(sb, "on_crash", Str(domain.OnCrash));
        if (domain.Disks.Count > 0) Line(sb, "disk", List(domain.Disks.Select(DiskSpec)));
        if (domain.Network.Count > 0) Line(sb, "vif", List(domain.Network.Select(n => VifSpec(n, vifScript))));
        return sb.ToString();
    }

    /// <summary>xl-disk-configuration with keywords, target last.</summary>
    public static string DiskSpec(PoolDisk disk) => string.Join(", ",
        Pair("format", disk.Format), Pair("vdev", disk.Vdev), Pair("access", disk.Access),
        Pair("target", disk.Target ?? throw new InvalidOperationException("The disk has no target yet: plan the pool first."), spaces: true));

    public static string VifSpec(PoolNic nic) => VifSpec(nic, null);

    public static string VifSpec(PoolNic nic, string? script)
    {
        var parts = new List<string> { Pair("mac", nic.Mac), Pair("bridge", nic.Bridge) };
        if (nic.Ip is not null) parts.Add(Pair("ip", nic.Ip));
        if (nic.Model is not null) parts.Add(Pair("model", nic.Model));
        if (script is not null)
        {
            if (!HostValues.VifScript.IsValid(script)) throw Refused("script", script, HostValues.VifScript.Rule);
            parts.Add(Pair("script", script));
        }
        return string.Join(",", parts);
    }

    /// <summary>
    /// One key=value of a spec; a value that could end the pair or start another is refused. Spaces are allowed only in
    /// a disk target, which xl's disk parser takes to the end of the spec.
    /// </summary>
    private static string Pair(string key, string value, bool spaces = false)
    {
        if (value.Length == 0 || value.Any(c => c is ',' or '=' or '"' or '\'' or '\\' || char.IsControl(c) || (!spaces && char.IsWhiteSpace(c))))
            throw Refused(key, value, "a spec value may not be empty or hold ',', '=', a quote, a backslash, a control character or (but in a disk target) a space");
        return key + "=" + value;
    }

    private static XenHostException Refused(string key, string value, string rule) =>
        new(ValueRefusedId, XenErrorCategory.InvalidData, null, $"xl.cfg refuses {key} {HostValues.Show(value)}: {rule}.")
        { RecommendedAction = "Fix the value in the pool file or host setting; Get-Help about_SmartDomains_PoolFiles lists what each key takes." };

    private static void Line(StringBuilder sb, string key, string value) => sb.Append(key).Append(" = ").Append(value).Append('\n');

    private static string List(IEnumerable<string> items) => "[ " + string.Join(", ", items.Select(Str)) + " ]";

    /// <summary>
    /// A double-quoted xl.cfg string that libxlutil's dequote reads back exactly: quote, backslash, newline, tab and
    /// carriage return are escaped. Other control characters and unpaired surrogates cannot round-trip, so they are refused.
    /// </summary>
    public static string Str(string value)
    {
        var sb = new StringBuilder("\"");
        for (var i = 0; i < value.Length; i++)
        {
            var c = value[i];
            switch (c)
            {
                case '"': sb.Append("\\\""); break;
                case '\\': sb.Append("\\\\"); break;
                case '\n': sb.Append("\\n"); break;
                case '\t': sb.Append("\\t"); break;
                case '\r': sb.Append("\\r"); break;
                default:
                    if (char.IsControl(c)) throw Refused("string", value, $"a control character (0x{(int)c:x2}) cannot go into xl.cfg");
                    if (char.IsHighSurrogate(c) && i + 1 < value.Length && char.IsLowSurrogate(value[i + 1])) { sb.Append(c).Append(value[++i]); break; }
                    if (char.IsSurrogate(c)) throw Refused("string", value, "an unpaired UTF-16 surrogate has no UTF-8 form");
                    sb.Append(c);
                    break;
            }
        }
        return sb.Append('"').ToString();
    }
}
