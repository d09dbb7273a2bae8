namespace SmartDomains.Pools;

/// <summary>A domain of a pool with every value final: what the templates, the domain and the parameters add up to.</summary>
public sealed class PoolDomain
{
    public required string Name { get; init; }
    /// <summary>The name as written before count expansion (e.g. "web" for web-1 and web-2).</summary>
    public required string GroupName { get; init; }
    public int Index { get; init; } = 1;
    public string Type { get; init; } = "pvh";
    public long MemoryMiB { get; init; }
    public long MaxMemMiB { get; init; }
    public int VCpus { get; init; } = 1;
    public int MaxVCpus { get; init; }
    public string? Kernel { get; init; }
    public string? Ramdisk { get; init; }
    public string? Cmdline { get; init; }
    public string? Bootloader { get; init; }
    public string OnCrash { get; init; } = "destroy";
    public string OnPoweroff { get; init; } = "destroy";
    public string OnReboot { get; init; } = "restart";
    public IReadOnlyList<PoolDisk> Disks { get; init; } = Array.Empty<PoolDisk>();
    public IReadOnlyList<PoolNic> Network { get; init; } = Array.Empty<PoolNic>();
    public LivenessProbe Liveness { get; init; } = new();
    public string? PinnedHost { get; init; }
    public string? AntiAffinity { get; init; }
    public string? PlacementPolicy { get; init; }
    /// <summary>When it runs and what happens outside (null: it always runs).</summary>
    public DomainSchedule? Schedule { get; init; }
    public RestartPolicy Restart { get; init; } = new();
    /// <summary>Names of the domains this one waits for (already expanded).</summary>
    public IReadOnlyList<string> DependsOn { get; set; } = Array.Empty<string>();
    /// <summary>The templates that produced this domain, nearest first.</summary>
    public IReadOnlyList<string> TemplateChain { get; init; } = Array.Empty<string>();
    public IReadOnlyDictionary<string, string> Parameters { get; init; } = new Dictionary<string, string>();
    /// <summary>Where the domain is declared: file:line:column.</summary>
    public string Source { get; init; } = "";

    /// <summary>Where some values were written (memory, dependsOn), possibly in a template, for errors found later.</summary>
    internal IReadOnlyDictionary<string, PoolError> Origins { get; init; } = new Dictionary<string, PoolError>();

    // Filled by placement.
    public string? Host { get; set; }

    public override string ToString() => Name;
}

public sealed class PoolDisk
{
    public long SizeBytes { get; init; }
    /// <summary>raw or qcow2; storage preparation may change it to what it could really make (raw when a host has no qemu-img).</summary>
    public string Format { get; set; } = "raw";
    public string Backend { get; init; } = "file";
    public string? VolumeGroup { get; init; }
    public string? From { get; init; }
    public string? Filesystem { get; init; }
    public string Vdev { get; init; } = "xvda";
    public string Access { get; init; } = "rw";
    /// <summary>The file or volume path on the host, set by placement.</summary>
    public string? Target { get; set; }
    public long SizeMiB => Sizes.ToMiB(SizeBytes);
}

public sealed class PoolNic
{
    public string Bridge { get; init; } = "xenbr0";
    public string Mac { get; init; } = "";
    public string? Ip { get; init; }
    public string? Model { get; init; }
}

public sealed class LivenessProbe
{
    public bool Enabled { get; init; } = true;
    public int Port { get; init; } = 22;
    public TimeSpan Timeout { get; init; } = TimeSpan.FromSeconds(120);
    public int Retries { get; init; } = 3;
    public TimeSpan Interval { get; init; } = TimeSpan.FromSeconds(1);
}
