using SmartDomains.Emulator.Settings;
using SmartDomains.Emulator.State;

namespace SmartDomains.Emulator.Output;

/// <summary>A row as libxl_dominfo would report it, Domain-0 included.</summary>
public sealed record DomainView(int Domid, string? Name, string Uuid, long MemoryMiB, int Vcpus, char[] Flags,
    int ShutdownReasonCode, bool IsShutdown, double CpuSeconds, long CreatedMs)
{
    public const string Dom0Uuid = "00000000-0000-0000-0000-000000000000";

    /// <summary>Xen's shutdown reason codes: poweroff 0, reboot 1, suspend 2, crash 3, watchdog 4, soft_reset 5.</summary>
    private static int ReasonCode(string? r) => r switch
    {
        "reboot" => 1, "suspend" => 2, "crash" => 3, "watchdog" => 4, "soft_reset" => 5, _ => 0,
    };

    public static DomainView Dom0(EmulatorSettings s, long nowMs)
    {
        double up = Environment.TickCount64 / 1000.0;
        return new DomainView(0, "Domain-0", Dom0Uuid, s.Dom0Memory, s.NrCpus, "r-----".ToCharArray(), 0, false,
            up * 0.05 * s.NrCpus, nowMs - Environment.TickCount64);
    }

    public static DomainView Of(DomainRecord d, long nowMs)
    {
        // Idle guests show 'b' (blocked), as real xl mostly does; CPU time grows at 1% of wall time per vcpu.
        var flags = "------".ToCharArray();
        bool shut = d.Status is DomainStatus.Shutdown or DomainStatus.Crashed;
        switch (d.Status)
        {
            case DomainStatus.Running or DomainStatus.ShuttingDown: flags[1] = 'b'; break;
            case DomainStatus.Paused: flags[2] = 'p'; break;
            case DomainStatus.Dying: flags[5] = 'd'; break;
        }
        int code = ReasonCode(d.ShutdownReason);
        if (shut) { flags[3] = 's'; flags[4] = "-rscwS"[code]; }
        double cpu = Math.Max(0, nowMs - d.CreatedMs) / 1000.0 * 0.01 * d.Spec.Vcpus;
        string? name = d.Status == DomainStatus.Dying ? null : d.Name;
        return new DomainView(d.Domid, name, d.Uuid, d.Spec.MemoryMiB, d.Status == DomainStatus.Dying ? 0 : d.Spec.Vcpus,
            flags, code, shut, cpu, d.CreatedMs);
    }

    public static List<DomainView> All(EmulatorSettings s, HostState state, long nowMs) =>
        new[] { Dom0(s, nowMs) }.Concat(state.Domains.OrderBy(d => d.Domid).Select(d => Of(d, nowMs))).ToList();
}
