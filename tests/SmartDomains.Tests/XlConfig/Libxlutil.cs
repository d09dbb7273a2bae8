using System.Runtime.InteropServices;
using System.Text;

namespace SmartDomains.Tests.XlConfig;

/// <summary>
/// Xen's own libxlutil (Debian libxenmisc4.17), called through P/Invoke, as the referee for our parser.
/// The settings list is walked through libxlutil's internal structs (layout from libxlu_internal.h, 4.17),
/// because the public API cannot enumerate names.
/// </summary>
internal static unsafe class Libxlutil
{
    private const string L = "libxlutil.so.4.17";
    private const string C = "libc.so.6";
    private const string X = "libxenlight.so.4.17";

    [DllImport(L)] private static extern IntPtr xlu_cfg_init(IntPtr report, string reportName);
    [DllImport(L)] private static extern int xlu_cfg_readdata(IntPtr cfg, byte[] data, int length);
    [DllImport(L)] private static extern void xlu_cfg_destroy(IntPtr cfg);
    [DllImport(L)] private static extern int xlu_cfg_get_string(IntPtr cfg, string n, out IntPtr value, int dontWarn);
    [DllImport(L)] private static extern int xlu_cfg_get_long(IntPtr cfg, string n, out CLong value, int dontWarn);
    [DllImport(L)] private static extern int xlu_cfg_get_list(IntPtr cfg, string n, out IntPtr list, out int entries, int dontWarn);
    [DllImport(L)] private static extern IntPtr xlu_cfg_get_listitem(IntPtr list, int i);
    [DllImport(L)] private static extern int xlu_disk_parse(IntPtr cfg, int nspecs, IntPtr[] specs, IntPtr disk);
    [DllImport(X)] private static extern IntPtr libxl_disk_format_to_string(int format);
    [DllImport(X)] private static extern IntPtr libxl_disk_backend_to_string(int backend);
    [DllImport(C)] private static extern IntPtr open_memstream(out IntPtr buf, out nuint size);
    [DllImport(C)] private static extern int fclose(IntPtr f);
    [DllImport(C)] private static extern void free(IntPtr p);

    // struct XLU_ConfigSetting { next; name; value; op; lineno; }
    [StructLayout(LayoutKind.Sequential)] private struct Setting { public IntPtr Next, Name, Value; public int Op, LineNo; }
    // struct XLU_ConfigValue { int type; union { char *string; struct { int avalues, nvalues; XLU_ConfigValue **values; } list; } u; YYLTYPE loc; }
    [StructLayout(LayoutKind.Explicit)] private struct Value
    {
        [FieldOffset(0)] public int Type;
        [FieldOffset(8)] public IntPtr String;
        [FieldOffset(8)] public int AValues;
        [FieldOffset(12)] public int NValues;
        [FieldOffset(16)] public IntPtr Values;
    }

    public static bool Available
    {
        get
        {
            try { return NativeLibrary.TryLoad(L, out _); }
            catch { return false; }
        }
    }

    public sealed record RefSetting(string Name, object Value, int Line, bool Append);

    public sealed class RefResult
    {
        public int Rc;
        public List<string> Messages = new();
        public List<RefSetting> Settings = new(); // file order
        public IntPtr Cfg;
    }

    /// <summary>Parses data, then lets the caller query the live config before it is destroyed.</summary>
    public static RefResult Parse(byte[] data, string name, Action<RefResult>? query = null)
    {
        var stream = open_memstream(out var buf, out var size);
        var cfg = xlu_cfg_init(stream, name);
        var result = new RefResult { Cfg = cfg };
        try
        {
            result.Rc = xlu_cfg_readdata(cfg, data, data.Length);
            if (result.Rc == 0)
            {
                var list = new List<RefSetting>();
                for (var p = *(IntPtr*)cfg; p != IntPtr.Zero;)
                {
                    var s = *(Setting*)p;
                    list.Add(new RefSetting(Utf8(s.Name)!, ReadValue(s.Value), s.LineNo, s.Op == 1));
                    p = s.Next;
                }
                list.Reverse();
                result.Settings = list;
                query?.Invoke(result);
            }
        }
        finally
        {
            xlu_cfg_destroy(cfg);
            fclose(stream);
            var text = size == 0 ? "" : Encoding.UTF8.GetString((byte*)buf, (int)size);
            free(buf);
            result.Messages = text.Split('\n').Where(l => l.Length > 0).ToList();
        }
        return result;
    }

    private static object ReadValue(IntPtr p)
    {
        var v = *(Value*)p;
        if (v.Type == 0) return Utf8(v.String) ?? "";
        var items = new List<object>();
        for (int i = 0; i < v.NValues; i++) items.Add(ReadValue(((IntPtr*)v.Values)[i]));
        return items;
    }

    private static string? Utf8(IntPtr p) => p == IntPtr.Zero ? null : Marshal.PtrToStringUTF8(p);

    public static (int Rc, string? Value) GetString(IntPtr cfg, string n)
    {
        int rc = xlu_cfg_get_string(cfg, n, out var v, 1);
        return (rc, rc == 0 ? Utf8(v) : null);
    }

    public static (int Rc, long Value) GetLong(IntPtr cfg, string n)
    {
        int rc = xlu_cfg_get_long(cfg, n, out var v, 1);
        return (rc, rc == 0 ? (long)v.Value : 0);
    }

    public static (int Rc, List<string?> Items) GetList(IntPtr cfg, string n)
    {
        int rc = xlu_cfg_get_list(cfg, n, out var list, out int count, 1);
        var items = new List<string?>();
        if (rc == 0) for (int i = 0; i < count; i++) items.Add(Utf8(xlu_cfg_get_listitem(list, i)));
        return (rc, items);
    }

    /// <summary>What xlu_disk_parse left in a libxl_device_disk; Backend is null when it is still "unknown".</summary>
    public sealed record RefDisk(string? PdevPath, string? Vdev, string? Backend, string Format, string? Script, bool Removable, bool ReadWrite, bool IsCdrom);

    /// <summary>
    /// xlu_disk_parse on one spec, as xl's parse_disk_config calls it (on a zeroed disk, as libxl_device_disk_init
    /// leaves it). Fields by their offsets in 4.17's libxl_device_disk: backend_domid, backend_domname, pdev_path,
    /// vdev, backend, format, script, removable, readwrite, is_cdrom.
    /// </summary>
    public static (int Rc, List<string> Messages, RefDisk Disk) ParseDisk(string spec, string name)
    {
        var stream = open_memstream(out var buf, out var size);
        var cfg = xlu_cfg_init(stream, name);
        var text = Marshal.StringToCoTaskMemUTF8(spec);
        var disk = Marshal.AllocHGlobal(4096);
        try
        {
            new Span<byte>((void*)disk, 4096).Clear();
            int rc = xlu_disk_parse(cfg, 1, new[] { text }, disk);
            byte* d = (byte*)disk;
            int backend = *(int*)(d + 32);
            var result = new RefDisk(Utf8(*(IntPtr*)(d + 16)), Utf8(*(IntPtr*)(d + 24)),
                backend == 0 ? null : Utf8(libxl_disk_backend_to_string(backend)), Utf8(libxl_disk_format_to_string(*(int*)(d + 36)))!,
                Utf8(*(IntPtr*)(d + 40)), *(int*)(d + 48) != 0, *(int*)(d + 52) != 0, *(int*)(d + 56) != 0);
            return (rc, ReadReport(stream, cfg, ref buf, ref size), result);
        }
        finally
        {
            Marshal.FreeHGlobal(disk);
            Marshal.FreeCoTaskMem(text);
        }
    }

    // buf and size are the cells open_memstream was given: fclose writes them, so they come by reference.
    private static List<string> ReadReport(IntPtr stream, IntPtr cfg, ref IntPtr buf, ref nuint size)
    {
        xlu_cfg_destroy(cfg);
        fclose(stream);
        var text = size == 0 ? "" : Encoding.UTF8.GetString((byte*)buf, (int)size);
        free(buf);
        return text.Split('\n').Where(l => l.Length > 0).ToList();
    }
}
