using SmartDomains.Emulator.Cli;
using SmartDomains.Emulator.State;

namespace SmartDomains.Emulator.Subcommands;

/// <summary>xl info [KEY] (xl_info.c): "%-23s: %s" lines, memory in MiB.</summary>
public static class InfoCommand
{
    public static int Run(CommandContext ctx, string[] args)
    {
        var o = GetOpt.Parse(ctx, "info", args, "n", 0, new Dictionary<string, char> { ["numa"] = 'n' });
        var s = ctx.Settings;
        var state = ctx.Store.Peek();
        long free = s.TotalMemory - s.Dom0Memory - state.UsedMemoryMiB;
        string version = $"{s.XenMajor}.{s.XenMinor}{s.XenExtra}";
        var lines = new (string Key, string Value)[]
        {
            ("host", s.Hostname), ("release", "6.1.0-emulated-amd64"), ("version", "#1 SMP PREEMPT_DYNAMIC Debian 6.1"),
            ("machine", "x86_64"), ("nr_cpus", s.NrCpus.ToString()), ("max_cpu_id", (s.NrCpus - 1).ToString()),
            ("nr_nodes", "1"), ("cores_per_socket", s.NrCpus.ToString()), ("threads_per_core", "1"),
            ("cpu_mhz", "2999.998"),
            ("hw_caps", "178bfbff:f6d8320b:2c100800:00000121:0000000f:009c07ab:00000000:00000100"),
            ("virt_caps", "pv hvm hap shadow"),
            ("total_memory", s.TotalMemory.ToString()), ("free_memory", Math.Max(0, free).ToString()),
            ("sharing_freed_memory", "0"), ("sharing_used_memory", "0"), ("outstanding_claims", "0"),
            ("free_cpus", "0"), ("xen_major", s.XenMajor.ToString()), ("xen_minor", s.XenMinor.ToString()),
            ("xen_extra", s.XenExtra), ("xen_version", version),
            ("xen_caps", "xen-3.0-x86_64 hvm-3.0-x86_32 hvm-3.0-x86_32p hvm-3.0-x86_64"),
            ("xen_scheduler", "credit2"), ("xen_pagesize", "4096"), ("platform_params", "virt_start=0xffff800000000000"),
            ("xen_changeset", ""), ("xen_commandline", "placeholder dom0_mem=" + s.Dom0Memory + "M,max:" + s.Dom0Memory + "M"),
            ("cc_compiler", "x86_64-linux-gnu-gcc (Debian 12.2.0-14) 12.2.0"), ("cc_compile_by", "pkg-xen-devel"),
            ("cc_compile_domain", "lists.alioth.debian.org"), ("cc_compile_date", "Thu Jan  1 00:00:00 UTC 2024"),
            ("build_id", "0000000000000000000000000000000000000000"), ("xend_config_format", "4"),
        };
        if (o.Operands.Count > 0 && !o.Has('n'))
        {
            foreach (var (k, v) in lines) if (k == o.Operands[0]) ctx.Out.Write(v + "\n");
            return 0;
        }
        foreach (var (k, v) in lines) ctx.Out.Write($"{k,-23}: {v}\n");
        return 0;
    }
}
