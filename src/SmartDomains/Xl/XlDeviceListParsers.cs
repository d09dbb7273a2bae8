using System.Globalization;
using System.Text.RegularExpressions;

namespace SmartDomains.Xl;

/// <summary>The xenbus state of a device (xen/include/public/io/xenbus.h).</summary>
public enum XenbusState
{
    Unknown = 0, Initialising = 1, InitWait = 2, Initialised = 3, Connected = 4, Closing = 5, Closed = 6,
    Reconfiguring = 7, Reconfigured = 8,
}

/// <summary>One row of `xl network-list DOM`.</summary>
/// <param name="Index">Idx: the device id.</param>
/// <param name="BackendDomId">BE: the backend domain (0 for dom0).</param>
/// <param name="Mac">The MAC address, lower case, colon separated.</param>
/// <param name="Handle">handle: the device id again.</param>
/// <param name="StateCode">state: the raw xenbus state number.</param>
/// <param name="EventChannel">evt-ch.</param>
/// <param name="TxRingRef">tx-ring-ref.</param>
/// <param name="RxRingRef">rx-ring-ref.</param>
/// <param name="BackendPath">BE-path in xenstore, e.g. /local/domain/0/backend/vif/3/0.</param>
public sealed record XlNetworkDevice(int Index, int BackendDomId, string Mac, int Handle, int StateCode, int EventChannel,
    int TxRingRef, int RxRingRef, string BackendPath)
{
    public XenbusState State => Enum.IsDefined(typeof(XenbusState), StateCode) ? (XenbusState)StateCode : XenbusState.Unknown;
    /// <summary>The frontend domain, read from the backend path (…/backend/vif/DOMID/DEVID); null if it does not say.</summary>
    public int? FrontendDomId => XlDevicePaths.FrontendDomId(BackendPath);
}

/// <summary>One row of `xl block-list DOM`.</summary>
/// <param name="Vdev">Vdev: the numeric device id (e.g. 51712 for xvda); see <see cref="VdevName"/>.</param>
/// <param name="BackendDomId">BE: the backend domain.</param>
/// <param name="Handle">handle: xl prints the frontend domain id in this column.</param>
/// <param name="StateCode">state: the raw xenbus state number.</param>
/// <param name="EventChannel">evt-ch.</param>
/// <param name="RingRef">ring-ref.</param>
/// <param name="BackendPath">BE-path in xenstore, e.g. /local/domain/0/backend/vbd/3/51712.</param>
public sealed record XlBlockDevice(int Vdev, int BackendDomId, int Handle, int StateCode, int EventChannel, int RingRef, string BackendPath)
{
    public XenbusState State => Enum.IsDefined(typeof(XenbusState), StateCode) ? (XenbusState)StateCode : XenbusState.Unknown;
    /// <summary>The guest device name decoded from <see cref="Vdev"/> (xvda, hdc, sdb1…), or null.</summary>
    public string? VdevName => XlDevicePaths.DecodeVdev(Vdev);
    public int? FrontendDomId => XlDevicePaths.FrontendDomId(BackendPath);
}

/// <summary>Helpers for device ids and backend paths.</summary>
public static partial class XlDevicePaths
{
    [GeneratedRegex(@"/backend/[a-z0-9_]+/(?<dom>\d+)/\d+$", RegexOptions.CultureInvariant)]
    private static partial Regex BackendPathRegex();

    public static int? FrontendDomId(string? backendPath)
    {
        if (backendPath == null) return null;
        var m = BackendPathRegex().Match(backendPath);
        return m.Success && XlText.TryUInt(m.Groups["dom"].Value, out var d) ? d : null;
    }

    /// <summary>
    /// Decodes a virtual block device number (docs/misc/vbd-interface): xvd (major 202, 16 disks of 16 partitions, or
    /// the extended form 1&lt;&lt;28 | disk&lt;&lt;8 | partition), hd (majors 3, 22, 33, 34, 56, 57, 88, 89, 90, 91; two
    /// disks of 64 partitions each) and sd (major 8, 16 disks of 16 partitions). Null for anything else.
    /// </summary>
    public static string? DecodeVdev(int devid)
    {
        if (devid < 0) return null;
        if ((devid & (1 << 28)) != 0)
        {
            int disk = (devid >> 8) & 0xfffff, part = devid & 0xff;
            return "xvd" + DiskLetters(disk) + (part == 0 ? "" : part.ToString(CultureInfo.InvariantCulture));
        }
        int major = devid >> 8, minor = devid & 0xff;
        if (major == 202) return "xvd" + DiskLetters(minor >> 4) + Part(minor & 15);
        if (major == 8) return "sd" + DiskLetters(minor >> 4) + Part(minor & 15);
        int hdIndex = Array.IndexOf(HdMajors, major);
        if (hdIndex >= 0) return "hd" + DiskLetters(hdIndex * 2 + (minor >> 6)) + Part(minor & 63);
        return null;
    }

    private static readonly int[] HdMajors = { 3, 22, 33, 34, 56, 57, 88, 89, 90, 91 };

    private static string Part(int p) => p == 0 ? "" : p.ToString(CultureInfo.InvariantCulture);

    private static string DiskLetters(int disk)
    {
        // 0 -> a, 25 -> z, 26 -> aa (bijective base 26, as Linux names disks)
        var s = "";
        disk++;
        while (disk > 0)
        {
            disk--;
            s = (char)('a' + disk % 26) + s;
            disk /= 26;
        }
        return s;
    }
}

/// <summary>
/// Parses `xl network-list DOM...` (tools/xl/xl_nic.c): header "%-3s %-2s %-17s %-6s %-5s %-6s %5s/%-5s %-30s",
/// rows "%-3d %-2d " MAC "%6d %5d %6d %5d/%-11d %-30s". Rows do not name their domain; list one domain at a time or
/// use <see cref="XlNetworkDevice.FrontendDomId"/>.
/// </summary>
public static partial class XlNetworkListParser
{
    private const string Command = "xl network-list";
    private static readonly string[] Header = { "Idx", "BE", "Mac", "Addr.", "handle", "state", "evt-ch", "tx-/rx-ring-ref", "BE-path" };

    [GeneratedRegex(@"^[0-9a-f]{2}(:[0-9a-f]{2}){5}$", RegexOptions.CultureInvariant)]
    private static partial Regex MacRegex();

    public static IReadOnlyList<XlNetworkDevice> Parse(string text, string host)
    {
        var lines = XlText.Lines(text);
        if (lines.Count == 0) throw XlText.Unparsable(Command, host, 0, null, "the output is empty (xl always prints a header)");
        if (!XlText.Words(lines[0]).SequenceEqual(Header))
            throw XlText.Unparsable(Command, host, 1, lines[0], "the header is not xl's 'Idx BE Mac Addr. handle state evt-ch tx-/rx-ring-ref BE-path'");

        var result = new List<XlNetworkDevice>(lines.Count - 1);
        for (int i = 1; i < lines.Count; i++)
        {
            string line = lines[i];
            XenHostException Bad(string reason) => XlText.Unparsable(Command, host, i + 1, line, reason);
            var w = XlText.Words(line).ToList();
            // "%6d" follows the MAC directly: a six-digit handle would touch it.
            if (w.Count >= 3 && w[2].Length > 17 && MacRegex().IsMatch(w[2][..17]))
            {
                w.Insert(3, w[2][17..]);
                w[2] = w[2][..17];
            }
            if (w.Count != 8) throw Bad($"expected 8 columns, found {w.Count}");
            if (!XlText.TryInt(w[0], out var idx)) throw Bad("Idx is not a number");
            if (!XlText.TryInt(w[1], out var be)) throw Bad("BE is not a number");
            if (!MacRegex().IsMatch(w[2])) throw Bad("the MAC address is not xx:xx:xx:xx:xx:xx");
            if (!XlText.TryInt(w[3], out var handle)) throw Bad("handle is not a number");
            if (!XlText.TryInt(w[4], out var state)) throw Bad("state is not a number");
            if (!XlText.TryInt(w[5], out var evtch)) throw Bad("evt-ch is not a number");
            var rings = w[6].Split('/');
            if (rings.Length != 2 || !XlText.TryInt(rings[0], out var tx) || !XlText.TryInt(rings[1], out var rx))
                throw Bad("the ring refs are not 'tx/rx'");
            result.Add(new XlNetworkDevice(idx, be, w[2], handle, state, evtch, tx, rx, w[7]));
        }
        return result;
    }
}

/// <summary>
/// Parses `xl block-list DOM...` (tools/xl/xl_block.c): header "%-5s %-3s %-6s %-5s %-6s %-8s %-30s"
/// (Vdev BE handle state evt-ch ring-ref BE-path), rows "%-5d %-3d %-6d %-5d %-6d %-8d %-30s".
/// </summary>
public static class XlBlockListParser
{
    private const string Command = "xl block-list";
    private static readonly string[] Header = { "Vdev", "BE", "handle", "state", "evt-ch", "ring-ref", "BE-path" };

    public static IReadOnlyList<XlBlockDevice> Parse(string text, string host)
    {
        var lines = XlText.Lines(text);
        if (lines.Count == 0) throw XlText.Unparsable(Command, host, 0, null, "the output is empty (xl always prints a header)");
        if (!XlText.Words(lines[0]).SequenceEqual(Header))
            throw XlText.Unparsable(Command, host, 1, lines[0], "the header is not xl's 'Vdev BE handle state evt-ch ring-ref BE-path'");

        var result = new List<XlBlockDevice>(lines.Count - 1);
        for (int i = 1; i < lines.Count; i++)
        {
            string line = lines[i];
            XenHostException Bad(string reason) => XlText.Unparsable(Command, host, i + 1, line, reason);
            var w = XlText.Words(line);
            if (w.Length != 7) throw Bad($"expected 7 columns, found {w.Length}");
            var n = new int[6];
            string[] names = { "Vdev", "BE", "handle", "state", "evt-ch", "ring-ref" };
            for (int k = 0; k < 6; k++)
                if (!XlText.TryInt(w[k], out n[k])) throw Bad($"{names[k]} is not a number");
            result.Add(new XlBlockDevice(n[0], n[1], n[2], n[3], n[4], n[5], w[6]));
        }
        return result;
    }
}

/// <summary>Parses `xl domid NAME`, which prints "%u\n".</summary>
public static class XlDomIdParser
{
    public static int Parse(string text, string host)
    {
        var lines = XlText.Lines(text);
        if (lines.Count != 1)
            throw XlText.Unparsable("xl domid", host, lines.Count == 0 ? 0 : 2, lines.Count == 0 ? null : lines[1],
                lines.Count == 0 ? "the output is empty" : "expected a single line");
        if (!XlText.TryUInt(lines[0], out var id))
            throw XlText.Unparsable("xl domid", host, 1, lines[0], "expected a domain id (digits only)");
        return id;
    }
}
