namespace SmartDomains.XlConfig;

/// <summary>
/// One disk = [...] entry, parsed as Xen's libxlutil parses it (xlu_disk_parse; the scanner is
/// <see cref="XlDiskSpecLexer"/>), legacy forms included: `phy:`/`file:`/`tap:aio:`/`qcow2:` prefixes, the
/// `nbd:`/`enbd:`/`iscsi:`/`drbd:` prefixes that name a block script, and the empty CD-ROM `,hdc:cdrom,r`.
/// </summary>
/// <param name="Target">libxl's pdev_path; "" for an empty CD-ROM.</param>
/// <param name="Backend">backendtype= when given, else what libxl would pick here: qdisk for image formats, phy otherwise.</param>
public sealed record XlDiskSpec(string Target, string Format, string Vdev, bool ReadWrite, bool IsCdrom, string Backend)
{
    /// <summary>The hotplug script (script=, or "block-nbd" and the like from a legacy prefix); null for the default.</summary>
    public string? Script { get; init; }

    /// <summary>Parses a disk spec; on failure returns null and the lines libxlutil reports, each naming the source.</summary>
    public static XlDiskSpec? Parse(string spec, string source, out IReadOnlyList<string> report)
    {
        var d = new XlDiskSpecState(spec, source);
        XlDiskSpecLexer.Scan(d);
        d.Finish();
        report = d.Report;
        if (d.HasError) return null;
        string format = d.Format!;
        string backend = d.BackendType ?? (format is "qcow" or "qcow2" or "vhd" or "qed" ? "qdisk" : "phy");
        return new XlDiskSpec(d.Target ?? "", format, d.Vdev!, d.ReadWrite, d.IsCdrom, backend) { Script = d.Script };
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
