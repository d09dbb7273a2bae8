using System.Text;
using SmartDomains.Pools;

namespace SmartDomains;

/// <summary>The one renderer of xl.cfg files. Everything the module boots goes through it.</summary>
public static class XlConfigRenderer
{
    /// <param name="uuid">The domain's uuid, which tells it apart from a later domain of the same name; null leaves it to xl.</param>
    public static string Render(PoolDomain domain, string poolName, Guid? uuid = null)
    {
        var sb = new StringBuilder();
        sb.Append("# Written by SmartDomains for pool ").Append(poolName).Append(". Start-XenPool rewrites it.\n");
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
        if (domain.Network.Count > 0) Line(sb, "vif", List(domain.Network.Select(VifSpec)));
        return sb.ToString();
    }

    /// <summary>xl-disk-configuration with keywords, target last (it may not contain a comma).</summary>
    public static string DiskSpec(PoolDisk disk) =>
        $"format={disk.Format}, vdev={disk.Vdev}, access={disk.Access}, target={disk.Target ?? throw new InvalidOperationException("The disk has no target yet: plan the pool first.")}";

    public static string VifSpec(PoolNic nic)
    {
        var parts = new List<string> { "mac=" + nic.Mac, "bridge=" + nic.Bridge };
        if (nic.Ip is not null) parts.Add("ip=" + nic.Ip);
        if (nic.Model is not null) parts.Add("model=" + nic.Model);
        return string.Join(",", parts);
    }

    private static void Line(StringBuilder sb, string key, string value) => sb.Append(key).Append(" = ").Append(value).Append('\n');

    private static string List(IEnumerable<string> items) => "[ " + string.Join(", ", items.Select(Str)) + " ]";

    /// <summary>A double-quoted xl.cfg string; libxlutil takes backslash escapes inside it.</summary>
    public static string Str(string value)
    {
        var sb = new StringBuilder("\"");
        foreach (var c in value)
        {
            switch (c)
            {
                case '"': sb.Append("\\\""); break;
                case '\\': sb.Append("\\\\"); break;
                case '\n': sb.Append("\\n"); break;
                case '\t': sb.Append("\\t"); break;
                case '\r': sb.Append("\\r"); break;
                default:
                    if (c < 0x20) throw new ArgumentException($"A control character (0x{(int)c:x2}) cannot go into xl.cfg.");
                    sb.Append(c);
                    break;
            }
        }
        return sb.Append('"').ToString();
    }
}
