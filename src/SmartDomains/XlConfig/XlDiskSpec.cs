namespace SmartDomains.XlConfig;

/// <summary>One disk = [...] entry, parsed per xl-disk-configuration(5).</summary>
public sealed record XlDiskSpec(string Target, string Format, string Vdev, bool ReadWrite, bool IsCdrom, string Backend)
{
    private static readonly string[] Formats = { "raw", "qcow", "qcow2", "vhd", "qed", "empty" };
    private static readonly string[] Backends = { "phy", "qdisk", "standalone", "tap" };

    /// <summary>Parses a disk spec; on failure returns null and the reason.</summary>
    public static XlDiskSpec? Parse(string spec, out string? error)
    {
        error = null;
        string? target = null, format = null, vdev = null, access = null, backend = null;
        bool cdrom = false, hadPrefix = false;
        int pos = 0;
        while (pos <= spec.Length)
        {
            // libxlu_disk_l.l ignores whitespace before each parameter, so ", target=" is a target too.
            while (pos < spec.Length && spec[pos] is ' ' or '\t' or '\n') pos++;
            if (spec.AsSpan(pos).StartsWith("target="))
            {
                target = spec[(pos + 7)..]; // the magic keyword eats the rest, commas included
                break;
            }
            int comma = spec.IndexOf(',', pos);
            string token = (comma < 0 ? spec[pos..] : spec[pos..comma]).Trim();
            pos = comma < 0 ? spec.Length + 1 : comma + 1;
            if (token.Length == 0 && comma < 0) break;
            int eq = token.IndexOf('=');
            if (eq > 0)
            {
                string key = token[..eq], val = token[(eq + 1)..];
                switch (key)
                {
                    case "format": format = val; break;
                    case "vdev": vdev = val; break;
                    case "access": access = val; break;
                    case "devtype": cdrom = val == "cdrom"; if (val != "cdrom" && val != "disk") { error = $"unknown value for devtype: {val}"; return null; } break;
                    case "backendtype": case "backend-type": backend = val; break;
                    case "backend": case "script": case "discard": case "no-discard": case "direct-io-safe": case "colo-host": case "colo-port": case "colo-export": case "active-disk": case "hidden-disk": case "specification": case "trusted": case "untrusted": break;
                    default: error = $"unknown parameter: {token}"; return null;
                }
                continue;
            }
            // Deprecated prefixes ("phy:", "file:", "tap:aio:", "qcow2:" ...) are stripped from the target.
            while (target is null && TryStripPrefix(ref token, out var implied, out var impliedBackend))
            {
                hadPrefix = true;
                format ??= implied;
                backend ??= impliedBackend;
            }
            if (target is null) target = token;
            else if (!hadPrefix && format is null) format = token;
            else if (vdev is null) vdev = token;
            else if (access is null) access = token;
            else { error = $"too many positional parameters: {token}"; return null; }
        }
        if (vdev is not null && vdev.EndsWith(":cdrom")) { cdrom = true; vdev = vdev[..^6]; }
        if (string.IsNullOrEmpty(vdev)) { error = "no vdev specified"; return null; }
        format = string.IsNullOrEmpty(format) ? (string.IsNullOrEmpty(target) && cdrom ? "empty" : "raw") : format;
        if (!Formats.Contains(format)) { error = $"unknown value for format: {format}"; return null; }
        if (backend is not null && !Backends.Contains(backend)) { error = $"unknown value for backendtype: {backend}"; return null; }
        bool rw = access is null or "" or "w" or "rw";
        if (!rw && access is not ("r" or "ro")) { error = $"unknown value for access: {access}"; return null; }
        backend ??= format is "qcow" or "qcow2" or "vhd" or "qed" ? "qdisk" : "phy";
        return new XlDiskSpec(target ?? "", format, vdev, rw && !cdrom, cdrom, backend);
    }

    private static bool TryStripPrefix(ref string token, out string? format, out string? backend)
    {
        format = null; backend = null;
        int colon = token.IndexOf(':');
        if (colon <= 0) return false;
        string p = token[..colon];
        switch (p)
        {
            case "phy": backend = "phy"; break;
            case "file": case "aio": case "tapdisk": case "tap": case "tap2": case "ioemu": break;
            case "raw": case "qcow": case "qcow2": case "vhd": format = p; break;
            default: return false;
        }
        token = token[(colon + 1)..];
        return true;
    }

    /// <summary>The Linux-style device number libxl gives a vdev (xvda = 51712), used as the device handle.</summary>
    public int DeviceNumber
    {
        get
        {
            string v = Vdev;
            int Letter(string s) => s.Length > 0 && s[0] >= 'a' && s[0] <= 'z' ? s[0] - 'a' : 0;
            if (v.StartsWith("xvd")) return (202 << 8) | (Letter(v[3..]) << 4);
            if (v.StartsWith("sd")) return (8 << 8) | (Letter(v[2..]) << 4);
            if (v.StartsWith("hd")) { int i = Letter(v[2..]); return ((i < 2 ? 3 : 22) << 8) | ((i % 2) << 6); }
            return 0;
        }
    }
}
