namespace SmartDomains.XlConfig;

/// <summary>
/// What libxlutil's disk scanner fills in while it reads one spec: its DiskParseContext and the libxl_device_disk
/// fields, with the helpers of libxlu_disk_l.l (DSET, savestring, setaccess, setformat, vdev_and_devtype) and
/// xlu__disk_err's report lines.
/// </summary>
internal sealed class XlDiskSpecState
{
    private static readonly string[] Formats = { "raw", "qcow", "qcow2", "vhd", "empty", "qed" };
    private static readonly string[] BackendTypes = { "phy", "tap", "qdisk", "standalone" };
    private static readonly string[] Specifications = { "xen", "virtio" };

    private readonly Dictionary<string, string> _strings = new(StringComparer.Ordinal);

    public XlDiskSpecState(string spec, string source) => (Spec, Source) = (spec, source);

    public string Spec { get; }
    public string Source { get; }
    public List<string> Report { get; } = new();
    public bool HasError => Report.Count > 0;

    /// <summary>libxl_disk_format; null is LIBXL_DISK_FORMAT_UNKNOWN.</summary>
    public string? Format { get; set; }
    /// <summary>libxl_disk_backend from backendtype=; null is unknown (libxl chooses).</summary>
    public string? BackendType { get; private set; }
    public string? Specification { get; private set; }
    public bool ReadWrite { get; private set; } = true; // xlu_disk_parse starts from readwrite = 1
    public bool IsCdrom { get; set; }
    public bool HadDeprecatedPrefix { get; set; }
    private bool _accessSet;

    public string? Target => String("target");
    public string? Vdev => String("vdev");
    public string? Script => String("script");

    private string? String(string what) => _strings.TryGetValue(what, out var v) ? v : null;

    /// <summary>xlu__disk_err: "SOURCE: config parsing error in disk specification: MESSAGE[: near `X'] in `SPEC'".</summary>
    public void Error(string? erroneous, string message) =>
        Report.Add($"{Source}: config parsing error in disk specification: {message}" +
                   (erroneous is null ? "" : $": near `{erroneous}'") + $" in `{Spec}'");

    /// <summary>savestring: an empty earlier value may be replaced, a non-empty one may not.</summary>
    public void SaveString(string what, string value)
    {
        if (_strings.TryGetValue(what, out var old) && old.Length > 0) { Error(value, what + " respecified"); return; }
        _strings[what] = value;
    }

    public void SetFormat(string value)
    {
        string format = value.Length == 0 ? "raw" : value;
        if (!Formats.Contains(format)) Error(value, "unknown value for format");
        else Format = Set(Format, format, value, "format");
    }

    public void SetBackendType(string value)
    {
        if (!BackendTypes.Contains(value)) Error(value, "unknown value for backendtype");
        else BackendType = Set(BackendType, value, value, "backend");
    }

    public void SetSpecification(string value)
    {
        if (!Specifications.Contains(value)) Error(value, "unknown value for specification");
        else Specification = Set(Specification, value, value, "specification");
    }

    // DSET: an enum may be set again only to the same value.
    private string? Set(string? current, string value, string erroneous, string member)
    {
        if (current is null || current == value) return value;
        Error(erroneous, member + " respecified");
        return current;
    }

    public void SetAccess(string value)
    {
        if (value is "r" or "ro") ReadWrite = false;
        else if (value is "rw" or "w" or "") ReadWrite = true;
        else Error(value, "unknown value for access");
    }

    /// <summary>setcoloport: atoi, and 0 is refused.</summary>
    public void SetColoPort(string value)
    {
        var digits = value.TrimStart(' ', '\t', '\n', '\v', '\f', '\r');
        int sign = digits.StartsWith('-') ? -1 : 1;
        if (digits.StartsWith('-') || digits.StartsWith('+')) digits = digits[1..];
        int n = digits.TakeWhile(char.IsAsciiDigit).Aggregate(0, (acc, c) => unchecked(acc * 10 + (c - '0')));
        if (sign * n == 0) Error(value, "unknown value for colo_port");
    }

    /// <summary>The positional rule: target, format, vdev, access in turn. False stops the scan.</summary>
    public bool Positional(string text)
    {
        if (HasError) return true; // previous errors may just lead to subsequent ones
        if (Target is null) SaveString("target", text);
        else if (!HadDeprecatedPrefix && Format is null)
        {
            // An empty target then "hdc:cdrom" is the legacy empty CD-ROM (",hdc:cdrom,r").
            if (Target.Length == 0 && VdevAndDevtype(text)) Format = "empty";
            else SetFormat(text);
        }
        else if (Vdev is null)
        {
            if (!VdevAndDevtype(text)) SaveString("vdev", text);
        }
        else if (!_accessSet)
        {
            _accessSet = true;
            SetAccess(text);
        }
        else
        {
            Error(text, "too many positional parameters");
            return false;
        }
        return true;
    }

    /// <summary>vdev_and_devtype: "VDEV:cdrom" or "VDEV:disk", split at the last colon.</summary>
    private bool VdevAndDevtype(string text)
    {
        int colon = text.LastIndexOf(':');
        if (colon < 0) return false;
        SaveString("vdev", text[..colon]);
        string type = text[(colon + 1)..];
        if (type == "cdrom") IsCdrom = true;
        else if (type == "disk") IsCdrom = false;
        else Error(type, "unknown deprecated type");
        return true;
    }

    /// <summary>What xlu_disk_parse does after the scan: defaults, the CD-ROM rules, the two final checks.</summary>
    public void Finish()
    {
        if (HasError) return;
        Format ??= "raw";
        if (IsCdrom)
        {
            ReadWrite = false;
            if (string.IsNullOrEmpty(Target)) Format = "empty";
        }
        if (Vdev is null) Error(null, "no vdev specified");
        else if (Target is null && !IsCdrom) Error(null, "no target specified (and device not removable)");
    }
}
