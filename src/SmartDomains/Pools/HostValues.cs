using System.Net.Sockets;
using System.Text;
using System.Text.RegularExpressions;

namespace SmartDomains.Pools;

/// <summary>A type for a string that reaches a host: a check, and the rule in words for the error message.</summary>
public sealed class HostValueType
{
    private readonly Func<string, bool> _isValid;

    internal HostValueType(string what, string rule, Func<string, bool> isValid)
    {
        What = what;
        Rule = rule;
        _isValid = isValid;
    }

    /// <summary>What the value is, with its article ("a Linux interface name").</summary>
    public string What { get; }
    /// <summary>What it may hold, in words.</summary>
    public string Rule { get; }

    public bool IsValid(string value) => value is not null && _isValid(value);

    /// <summary>The reason a value is refused: "'x,y' is not a Linux interface name: ...".</summary>
    public string Refusal(string key, string value) => $"{key} {HostValues.Show(value)} is not {What}: {Rule}";
}

/// <summary>
/// The types of every pool value that ends up on dom0. A value of one of these types holds no character that xl.cfg's
/// spec syntax, a shell or a path walk would treat specially, so it can neither add a key to a vif or disk spec nor
/// name a file outside where the module puts things.
/// </summary>
public static partial class HostValues
{
    [GeneratedRegex(@"^[A-Za-z0-9_][A-Za-z0-9_.-]{0,14}$")]
    private static partial Regex BridgePattern();

    [GeneratedRegex(@"^([0-9a-fA-F]{2}:){5}[0-9a-fA-F]{2}$")]
    private static partial Regex MacPattern();

    [GeneratedRegex(@"^(0|[1-9][0-9]{0,2})(\.(0|[1-9][0-9]{0,2})){3}$")]
    private static partial Regex Ipv4Pattern();

    [GeneratedRegex(@"^[0-9a-fA-F:.]+$")]
    private static partial Regex Ipv6Pattern();

    // xl's vdev forms (xen-vbd-interface(7)): xvdX[N], hdX[N], sdX[N], dNpN; X is one to three letters.
    [GeneratedRegex(@"^(xvd[a-z]{1,3}([1-9][0-9]?)?|hd[a-t]([1-9][0-9]?)?|sd[a-z]{1,3}([1-9][0-9]?)?|d(0|[1-9][0-9]{0,4})(p(0|[1-9][0-9]?))?)$")]
    private static partial Regex VdevPattern();

    // lvm(8) VALID NAMES: letters, digits and + _ . -, not starting with '-', not "." or "..", at most 127 characters.
    [GeneratedRegex(@"^[A-Za-z0-9+_.][A-Za-z0-9+_.-]{0,126}$")]
    private static partial Regex LvmPattern();

    [GeneratedRegex(@"^[A-Za-z0-9_][A-Za-z0-9_.+-]{0,127}$")]
    private static partial Regex ImageSegmentPattern();

    [GeneratedRegex(@"^/[A-Za-z0-9_./+-]{0,4095}$")]
    private static partial Regex AbsolutePathPattern();

    /// <summary>The emulated NIC models xl hands to QEMU (xl.cfg(5) model=, QEMU's -nic model names).</summary>
    public static readonly string[] NicModels =
        { "rtl8139", "e1000", "e1000e", "virtio-net", "virtio-net-pci", "ne2k_pci", "pcnet", "i82551", "i82557b", "i82559er", "vmxnet3" };

    /// <summary>Bootloaders xl finds by bare name in Xen's libexec directory; anything else must be an absolute path.</summary>
    public static readonly string[] BareBootloaders = { "pygrub" };

    /// <summary>Xen's own vif hotplug scripts (tools/hotplug/Linux), the only ones an operator may name by bare name.</summary>
    public static readonly string[] XenVifScripts = { "vif-bridge", "vif-route", "vif-nat", "vif-openvswitch", "vif2" };

    /// <summary>Where an operator's own hotplug scripts may live (xl.conf's vif.default.script is relative to it).</summary>
    public const string HotplugScriptDir = "/etc/xen/scripts/";

    public static readonly HostValueType Bridge = new("a Linux interface name",
        "1 to 15 letters, digits, '_', '.' and '-', not starting with '-' or '.'",
        v => BridgePattern().IsMatch(v));

    public static readonly HostValueType Mac = new("a MAC address", "six hex octets separated by ':', such as 00:16:3e:12:34:56",
        v => MacPattern().IsMatch(v));

    public static readonly HostValueType IpAddress = new("an IP address",
        "one IPv4 address in dotted-quad form (10.0.0.5) or one IPv6 address, with no prefix length or zone",
        IsIpAddress);

    public static readonly HostValueType Vdev = new("a Xen virtual device name",
        "xvdX, hdX or sdX (X one to three letters, hd only a to t) with an optional partition number 1-99, or dN / dNpN",
        v => VdevPattern().IsMatch(v));

    public static readonly HostValueType NicModel = new("a NIC model xl knows", "one of: " + string.Join(", ", NicModels),
        v => NicModels.Contains(v, StringComparer.Ordinal));

    public static readonly HostValueType VolumeGroup = new("an LVM name",
        "letters, digits and + _ . -, at most 127 characters, not starting with '-', and not '.' or '..'",
        v => LvmPattern().IsMatch(v) && v is not ("." or ".."));

    public static readonly HostValueType ImageName = new("an image name inside the image repository",
        "a name such as debian-12 or SAVED/disk-0: segments of letters, digits and _ . + - joined by '/', no '.' or '..' segment, not an absolute path",
        IsImageName);

    public static readonly HostValueType AbsolutePath = new("an absolute path",
        "a path starting with '/' of letters, digits and _ . / + -, with no '..' segment and no control character",
        IsAbsolutePath);

    public static readonly HostValueType Bootloader = new("a bootloader",
        $"{string.Join(" or ", BareBootloaders)}, or an absolute path of letters, digits and _ . / + - with no '..' segment",
        v => BareBootloaders.Contains(v, StringComparer.Ordinal) || IsAbsolutePath(v));

    public static readonly HostValueType VifScript = new("an allowed vif hotplug script",
        $"one of Xen's scripts ({string.Join(", ", XenVifScripts)}) or an absolute path under {HotplugScriptDir} of letters, digits and _ . + -",
        IsVifScript);

    /// <summary>A value from a fixed list (a domain type, an on_crash action, a disk format...).</summary>
    public static HostValueType OneOf(IReadOnlyList<string> allowed) =>
        new("one of the values it takes", "use one of: " + string.Join(", ", allowed), v => allowed.Contains(v, StringComparer.Ordinal));

    /// <summary>Free text that xl.cfg carries as a quoted string (cmdline): anything libxlutil reads back exactly.</summary>
    public static readonly HostValueType Text = new("text xl.cfg can carry",
        "at most 4096 characters, no control character other than tab, newline and carriage return, and no unpaired UTF-16 surrogate",
        IsCarriableText);

    private static bool IsCarriableText(string v)
    {
        if (v.Length > 4096) return false;
        for (var i = 0; i < v.Length; i++)
        {
            var c = v[i];
            if (char.IsControl(c) && c is not ('\t' or '\n' or '\r')) return false;
            if (char.IsHighSurrogate(c) && i + 1 < v.Length && char.IsLowSurrogate(v[i + 1])) { i++; continue; }
            if (char.IsSurrogate(c)) return false;
        }
        return true;
    }

    private static bool IsIpAddress(string v)
    {
        if (Ipv4Pattern().IsMatch(v))
            return v.Split('.').All(o => int.Parse(o, System.Globalization.CultureInfo.InvariantCulture) <= 255);
        return v.Contains(':') && Ipv6Pattern().IsMatch(v) && System.Net.IPAddress.TryParse(v, out var a) && a.AddressFamily == AddressFamily.InterNetworkV6;
    }

    private static bool IsImageName(string v) =>
        v.Length is > 0 and <= 255 && v.Split('/').All(s => ImageSegmentPattern().IsMatch(s) && s is not ("." or ".."));

    private static bool IsAbsolutePath(string v) =>
        AbsolutePathPattern().IsMatch(v) && !v.Split('/').Any(s => s == "..");

    private static bool IsVifScript(string v) =>
        XenVifScripts.Contains(v, StringComparer.Ordinal) ||
        (v.StartsWith(HotplugScriptDir, StringComparison.Ordinal) && ImageSegmentPattern().IsMatch(v[HotplugScriptDir.Length..]));

    /// <summary>A value quoted for a message, with control characters and non-ASCII spelled out so the reader sees them.</summary>
    public static string Show(string value)
    {
        var sb = new StringBuilder("'");
        foreach (var c in value.Length > 80 ? value[..80] : value)
        {
            if (c is '\n') sb.Append("\\n");
            else if (c is '\t') sb.Append("\\t");
            else if (c is '\r') sb.Append("\\r");
            else if (char.IsControl(c) || c > 0x7e) sb.Append($"\\u{(int)c:x4}");
            else sb.Append(c);
        }
        if (value.Length > 80) sb.Append($"...' ({value.Length} characters)");
        else sb.Append('\'');
        return sb.ToString();
    }
}
