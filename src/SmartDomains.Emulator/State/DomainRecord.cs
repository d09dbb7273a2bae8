using SmartDomains.XlConfig;

namespace SmartDomains.Emulator.State;

public enum DomainStatus { Running, Paused, ShuttingDown, Shutdown, Crashed, Dying }

/// <summary>One domain in state.json.</summary>
public sealed class DomainRecord
{
    public int Domid { get; set; }
    public string Name { get; set; } = "";
    public string Uuid { get; set; } = "";
    public DomainStatus Status { get; set; }
    /// <summary>Unix ms of creation (uptime and CPU time derive from it).</summary>
    public long CreatedMs { get; set; }
    /// <summary>Unix ms at which a pending shutdown/reboot completes, or a dying domain disappears.</summary>
    public long? PendingUntilMs { get; set; }
    /// <summary>poweroff or reboot while ShuttingDown; the reason once Shutdown/Crashed.</summary>
    public string? ShutdownReason { get; set; }
    /// <summary>Unix ms at which the crash fault strikes, fixed at creation.</summary>
    public long? CrashAtMs { get; set; }
    /// <summary>Unix ms at which the guest powers itself off (the poweroff fault), fixed at creation.</summary>
    public long? PoweroffAtMs { get; set; }
    public int? GuestPid { get; set; }
    public DomainSpec Spec { get; set; } = new();

    public bool IsRunning => Status is DomainStatus.Running or DomainStatus.ShuttingDown;
}

/// <summary>The domain's configuration as libxl holds it (what `xl list -l` and save files show).</summary>
public sealed class DomainSpec
{
    public string Type { get; set; } = "pv";
    public long MemoryMiB { get; set; }
    public long MaxMemMiB { get; set; }
    public int Vcpus { get; set; }
    public int MaxVcpus { get; set; }
    public string? Kernel { get; set; }
    public string? Ramdisk { get; set; }
    public string? Cmdline { get; set; }
    public string? Bootloader { get; set; }
    public string OnPoweroff { get; set; } = "destroy";
    public string OnReboot { get; set; } = "restart";
    public string OnWatchdog { get; set; } = "destroy";
    public string OnCrash { get; set; } = "destroy";
    public List<DiskSpec> Disks { get; set; } = new();
    public List<NicSpec> Nics { get; set; } = new();

    public static DomainSpec From(XlDomainConfig c, int domid) => new()
    {
        Type = c.Type, MemoryMiB = c.MemoryMiB, MaxMemMiB = c.MaxMemMiB, Vcpus = c.Vcpus, MaxVcpus = c.MaxVcpus,
        Kernel = c.Kernel, Ramdisk = c.Ramdisk, Cmdline = c.Cmdline, Bootloader = c.Bootloader,
        OnPoweroff = c.OnPoweroff, OnReboot = c.OnReboot, OnWatchdog = c.OnWatchdog, OnCrash = c.OnCrash,
        Disks = c.Disks.Select(d => new DiskSpec
        {
            Target = d.Target, Format = d.Format, Vdev = d.Vdev, ReadWrite = d.ReadWrite, IsCdrom = d.IsCdrom,
            Backend = d.Backend, Script = d.Script, DeviceNumber = d.DeviceNumber,
        }).ToList(),
        Nics = c.Vifs.Select((v, i) => new NicSpec
        {
            Devid = i, Mac = v.Mac ?? $"00:16:3e:{(domid >> 8) & 0xff:x2}:{domid & 0xff:x2}:{i & 0xff:x2}", Bridge = v.Bridge,
            Ip = v.Ip, Script = v.Script ?? "vif-bridge", VifName = v.VifName, Type = v.Type, Model = v.Model,
            Rate = v.Rate, Mtu = v.Mtu,
        }).ToList(),
    };

    public IEnumerable<string> GuestAddresses =>
        Nics.Where(n => n.Ip != null).SelectMany(n => n.Ip!.Split(' ', StringSplitOptions.RemoveEmptyEntries));
}

public sealed class DiskSpec
{
    public string Target { get; set; } = "";
    public string Format { get; set; } = "raw";
    public string Vdev { get; set; } = "";
    public bool ReadWrite { get; set; } = true;
    public bool IsCdrom { get; set; }
    public string Backend { get; set; } = "phy";
    /// <summary>A block hotplug script (e.g. block-nbd): libxl then leaves the target to the script and does not stat it.</summary>
    public string? Script { get; set; }
    public int DeviceNumber { get; set; }
}

public sealed class NicSpec
{
    public int Devid { get; set; }
    public string Mac { get; set; } = "";
    public string Bridge { get; set; } = "xenbr0";
    public string? Ip { get; set; }
    public string? Script { get; set; }
    public string? VifName { get; set; }
    public string? Type { get; set; }
    public string? Model { get; set; }
    public string? Rate { get; set; }
    public int? Mtu { get; set; }
}
