using System.Text;
using SmartDomains.Emulator.Settings;
using SmartDomains.Emulator.State;

namespace SmartDomains.Emulator.Lvm;

/// <summary>
/// lvs and vgs: LVM's report (tools/reporter.c over libdm's dm_report). Default columns, headings, field widths
/// (lib/report/columns.h minimums, widened to the longest value), right-aligned numbers and sizes, the "  " log
/// prefix on every line, --noheadings, --separator (unaligned unless --aligned), --units/--nosuffix,
/// -o [+|-]FIELDS, -O [+|-]FIELDS, --nameprefixes/--unquoted.
/// </summary>
public static class LvmReport
{
    private enum Kind { Str, Num, Size, Pct }

    /// <summary>One report row: an LV (with its VG) or a VG alone.</summary>
    private sealed record Row(string Vg, VolumeGroupSettings VgSettings, LogicalVolumeRecord? Lv, HostState State, EmulatorSettings Settings)
    {
        public long VgFreeExtents => VgSettings.ExtentCount - State.LogicalVolumes.Where(l => l.Vg == Vg).Sum(l => l.Extents);
        public IEnumerable<LogicalVolumeRecord> VgLvs => State.LogicalVolumes.Where(l => l.Vg == Vg);
    }

    private sealed record Field(string Id, string Heading, int Width, Kind Kind, Func<Row, object> Get);

    private static readonly Field[] LvFields =
    {
        new("lv_name", "LV", 4, Kind.Str, r => r.Lv!.Name),
        new("lv_attr", "Attr", 4, Kind.Str, r => Attr(r)),
        new("lv_size", "LSize", 5, Kind.Size, r => r.Lv!.Extents * r.VgSettings.ExtentBytes),
        new("pool_lv", "Pool", 4, Kind.Str, _ => ""),
        new("origin", "Origin", 6, Kind.Str, r => r.Lv!.Origin ?? ""),
        new("origin_size", "OSize", 5, Kind.Size, r => r.Lv!.Origin is { } o
            ? r.VgLvs.FirstOrDefault(l => l.Name == o)?.Extents * r.VgSettings.ExtentBytes ?? 0L : 0L),
        new("data_percent", "Data%", 6, Kind.Pct, r => r.Lv!.IsSnapshot ? "0.00" : ""),
        new("snap_percent", "Snap%", 6, Kind.Pct, r => r.Lv!.IsSnapshot ? "0.00" : ""),
        new("metadata_percent", "Meta%", 6, Kind.Pct, _ => ""),
        new("move_pv", "Move", 4, Kind.Str, _ => ""),
        new("mirror_log", "Log", 3, Kind.Str, _ => ""),
        new("copy_percent", "Cpy%Sync", 8, Kind.Pct, _ => ""),
        new("convert_lv", "Convert", 7, Kind.Str, _ => ""),
        new("lv_path", "Path", 4, Kind.Str, r => LvmNames.DevPath(r.Vg, r.Lv!.Name)),
        new("lv_dm_path", "DMPath", 6, Kind.Str, r => LvmNames.DmPath(r.Vg, r.Lv!.Name)),
        new("lv_uuid", "LV UUID", 38, Kind.Str, r => r.Lv!.Uuid),
        new("lv_active", "Active", 6, Kind.Str, _ => "active"),
        new("segtype", "Type", 4, Kind.Str, _ => "linear"),
    };

    private static readonly Field[] VgFields =
    {
        new("vg_name", "VG", 4, Kind.Str, r => r.Vg),
        new("pv_count", "#PV", 3, Kind.Num, _ => 1L),
        new("lv_count", "#LV", 3, Kind.Num, r => (long)r.VgLvs.Count()),
        new("snap_count", "#SN", 3, Kind.Num, r => (long)r.VgLvs.Count(l => l.IsSnapshot)),
        new("vg_attr", "Attr", 5, Kind.Str, _ => "wz--n-"),
        new("vg_size", "VSize", 5, Kind.Size, r => r.VgSettings.ExtentCount * r.VgSettings.ExtentBytes),
        new("vg_free", "VFree", 5, Kind.Size, r => r.VgFreeExtents * r.VgSettings.ExtentBytes),
        new("vg_extent_size", "Ext", 3, Kind.Size, r => r.VgSettings.ExtentBytes),
        new("vg_extent_count", "#Ext", 4, Kind.Num, r => r.VgSettings.ExtentCount),
        new("vg_free_count", "Free", 4, Kind.Num, r => r.VgFreeExtents),
        new("max_lv", "MaxLV", 5, Kind.Num, _ => 0L),
        new("max_pv", "MaxPV", 5, Kind.Num, _ => 0L),
    };

    private const string LvsDefault = "lv_name,vg_name,lv_attr,lv_size,pool_lv,origin,data_percent,metadata_percent,move_pv,mirror_log,copy_percent,convert_lv";
    private const string VgsDefault = "vg_name,pv_count,lv_count,snap_count,vg_attr,vg_size,vg_free";

    private static readonly LvmOption[] Options =
    {
        new("options", 'o', "options", true), new("sort", 'O', "sort", true), new("noheadings", '\0', "noheadings", false),
        new("headings", '\0', "headings", true), new("units", '\0', "units", true), new("nosuffix", '\0', "nosuffix", false),
        new("separator", '\0', "separator", true), new("aligned", '\0', "aligned", false),
        new("nameprefixes", '\0', "nameprefixes", false), new("unquoted", '\0', "unquoted", false),
        new("unbuffered", '\0', "unbuffered", false), new("all", 'a', "all", false), new("reportformat", '\0', "reportformat", true),
        new("binary", '\0', "binary", false), new("ignorelockingfailure", '\0', "ignorelockingfailure", false),
        new("readonly", '\0', "readonly", false), new("partial", 'P', "partial", false),
    };

    public static int RunLvs(LvmContext ctx, string[] args) => Run(ctx, args, lvs: true);
    public static int RunVgs(LvmContext ctx, string[] args) => Run(ctx, args, lvs: false);

    private static int Run(LvmContext ctx, string[] args, bool lvs)
    {
        var o = LvmArgs.Parse(ctx, args, Options);
        if (o.Value("reportformat") is { } fmt && fmt != "basic")
        {
            ctx.Error($"Unknown report format: {fmt}");   // json is not emulated
            return LvmContext.InvalidCmdLine;
        }
        char unit = 'r';
        if (o.Value("units") is { } u)
        {
            if (!LvmUnits.IsValidUnit(u)) throw ctx.CommandLineError($"Invalid argument for --units: {u}");
            unit = u[0];
        }
        bool headings = !o.Has("noheadings") && o.Value("headings") is not ("0" or "none");
        bool prefixes = o.Has("nameprefixes");
        bool aligned = (o.Value("separator") is null && !prefixes) || o.Has("aligned");
        string separator = o.Value("separator") ?? " ";
        bool suffix = !o.Has("nosuffix");

        // Columns.
        var available = lvs ? LvFields.Concat(VgFields).ToArray() : VgFields;
        var columns = Resolve(lvs ? LvsDefault : VgsDefault, available, lvs);
        foreach (var spec in o.Values("options"))
        {
            var items = spec.Split(',', StringSplitOptions.RemoveEmptyEntries);
            if (items.Length == 0) continue;
            bool add = spec.StartsWith('+'), remove = spec.StartsWith('-');
            var names = items.Select((s, i) => i == 0 && (add || remove) ? s[1..] : s).ToList();
            var fields = new List<Field>();
            foreach (var n in names)
            {
                var f = Find(n, available, lvs);
                if (f is null) { ctx.Error($"Unrecognised field: {n}"); return LvmContext.Failed; }
                fields.Add(f);
            }
            if (add) columns.AddRange(fields);
            else if (remove) columns.RemoveAll(c => fields.Contains(c));
            else columns = fields;
        }
        var sortKeys = new List<(Field Field, bool Descending)>();
        foreach (var n in (o.Value("sort") ?? (lvs ? "vg_name,lv_name" : "vg_name")).Split(',', StringSplitOptions.RemoveEmptyEntries))
        {
            bool desc = n.StartsWith('-');
            var f = Find(n.TrimStart('+', '-'), available, lvs);
            if (f is null) { ctx.Error($"Unrecognised field: {n.TrimStart('+', '-')}"); return LvmContext.Failed; }
            sortKeys.Add((f, desc));
        }

        // Rows: every configured VG (or the named ones), and in lvs their LVs (or the named ones).
        var state = ctx.Store.Peek();
        var rows = new List<Row>();
        int ret = LvmContext.Ok;
        var groups = new List<(string Vg, string? Lv)>();
        if (o.Operands.Count == 0) groups.AddRange(ctx.Settings.VolumeGroups.Keys.Select(k => (k, (string?)null)));
        foreach (var operand in o.Operands)
        {
            var arg = LvmNames.SkipDevDir(operand);
            int slash = arg.IndexOf('/');
            groups.Add(slash < 0 || !lvs ? (arg.TrimEnd('/'), null) : (arg[..slash], arg[(slash + 1)..]));
        }
        foreach (var (vgName, lvName) in groups.Distinct())
        {
            var vg = ctx.Vg(vgName);
            if (vg is null) { ret = Math.Max(ret, ctx.VgNotFound(vgName)); continue; }
            if (!lvs) { rows.Add(new Row(vgName, vg, null, state, ctx.Settings)); continue; }
            var lvsInVg = state.LogicalVolumes.Where(l => l.Vg == vgName && (lvName is null || l.Name == lvName)).ToList();
            if (lvName != null && lvsInVg.Count == 0)
            {
                ctx.Error($"Failed to find logical volume \"{vgName}/{lvName}\"");
                ret = LvmContext.Failed;
                continue;
            }
            rows.AddRange(lvsInVg.Where(l => !rows.Any(r => r.Lv == l)).Select(l => new Row(vgName, vg, l, state, ctx.Settings)));
        }
        rows.Sort((a, b) =>
        {
            foreach (var (f, desc) in sortKeys)
            {
                object x = f.Get(a), y = f.Get(b);
                int c = x is long lx && y is long ly ? lx.CompareTo(ly) : string.CompareOrdinal(x.ToString(), y.ToString());
                if (c != 0) return desc ? -c : c;
            }
            return 0;
        });

        // Output (dm_report_output): nothing at all when there are no rows.
        if (rows.Count == 0) return ret;
        var cells = rows.Select(r => columns.Select(c => Text(c, c.Get(r), unit, suffix)).ToArray()).ToList();
        var widths = columns.Select((c, i) => Math.Max(c.Width, cells.Max(row => row[i].Length))).ToArray();
        var sb = new StringBuilder();
        if (headings && !prefixes)
        {
            sb.Append("  ");
            for (int i = 0; i < columns.Count; i++)
            {
                if (i > 0) sb.Append(separator);
                sb.Append(aligned ? columns[i].Heading.PadRight(widths[i])[..widths[i]] : columns[i].Heading);
            }
            sb.Append('\n');
        }
        foreach (var row in cells)
        {
            sb.Append("  ");
            for (int i = 0; i < columns.Count; i++)
            {
                if (i > 0) sb.Append(separator);
                string v = row[i];
                if (prefixes)
                {
                    string q = o.Has("unquoted") ? "" : "'";
                    sb.Append("LVM2_").Append(columns[i].Id.ToUpperInvariant()).Append('=').Append(q).Append(v).Append(q);
                }
                else if (!aligned) sb.Append(v);
                else if (columns[i].Kind == Kind.Str) sb.Append(v.PadRight(widths[i]));
                else sb.Append(v.PadLeft(widths[i]));
            }
            sb.Append('\n');
        }
        ctx.Out.Write(sb.ToString());
        return ret;
    }

    private static List<Field> Resolve(string list, Field[] available, bool lvs) =>
        list.Split(',').Select(n => Find(n, available, lvs)!).ToList();

    /// <summary>Field names may omit the report's prefix: "name" is lv_name in lvs, vg_name in vgs.</summary>
    private static Field? Find(string name, Field[] available, bool lvs)
    {
        name = name.Trim();
        return available.FirstOrDefault(f => f.Id == name)
            ?? available.FirstOrDefault(f => f.Id == (lvs ? "lv_" : "vg_") + name);
    }

    private static string Text(Field f, object value, char unit, bool suffix) => f.Kind switch
    {
        Kind.Size => LvmUnits.Format((long)value, unit, suffix),
        _ => value.ToString() ?? "",
    };

    private static string Attr(Row r)
    {
        var lv = r.Lv!;
        char type = lv.IsSnapshot ? 's' : r.VgLvs.Any(l => l.Origin == lv.Name) ? 'o' : '-';
        char open = LvmNames.IsOpen(r.State, r.Settings, lv) ? 'o' : '-';
        char target = lv.IsSnapshot || type == 'o' ? 's' : '-';
        return $"{type}wi-a{open}{target}---";
    }
}
