namespace SmartDomains.XlConfig;

/// <summary>
/// The typed view of an xl.cfg that the emulator (and later the module) needs, with xl's defaults and the
/// errors xl reports (message and exit status) when parse_config_data rejects a file.
/// </summary>
public sealed class XlDomainConfig
{
    public static readonly string[] Actions = { "destroy", "restart", "rename-restart", "preserve", "coredump-destroy", "coredump-restart", "soft-reset" };

    public string Name { get; init; } = "";
    public string Type { get; init; } = "pv";
    public long MemoryMiB { get; init; } = 32;
    public long MaxMemMiB { get; init; } = 32;
    public int Vcpus { get; init; } = 1;
    public int MaxVcpus { get; init; } = 1;
    public string? Kernel { get; init; }
    public string? Ramdisk { get; init; }
    public string? Cmdline { get; init; }
    public string? Bootloader { get; init; }
    public string? Uuid { get; init; }
    public string OnPoweroff { get; init; } = "destroy";
    public string OnReboot { get; init; } = "restart";
    public string OnWatchdog { get; init; } = "destroy";
    public string OnCrash { get; init; } = "destroy";
    public IReadOnlyList<XlDiskSpec> Disks { get; init; } = Array.Empty<XlDiskSpec>();
    public IReadOnlyList<XlVifSpec> Vifs { get; init; } = Array.Empty<XlVifSpec>();

    public sealed record Failure(string Message, int ExitCode);

    public static XlDomainConfig? From(XlConfigFile cfg, out Failure? failure)
    {
        failure = null;
        Failure Fail(string m) => new(m, 1);

        var name = cfg.String("name");
        if (string.IsNullOrEmpty(name)) { failure = Fail("Domain name must be specified."); return null; }

        string type = "pv";
        if (cfg.String("type") is { } t)
        {
            if (t is not ("pv" or "pvh" or "hvm")) { failure = Fail($"Invalid domain type {t}."); return null; }
            type = t;
        }
        else if (cfg.String("builder") == "hvm") type = "hvm";

        long memory = cfg.GetLong("memory", out var mem) == 0 ? mem : 32;
        long maxmem = cfg.GetLong("maxmem", out var mm) == 0 ? mm : memory;
        int vcpus = cfg.GetLong("vcpus", out var vc) == 0 ? (int)vc : 1;
        int maxvcpus = cfg.GetLong("maxvcpus", out var mvc) == 0 ? (int)mvc : vcpus;

        var actions = new Dictionary<string, string>
        {
            ["on_poweroff"] = "destroy", ["on_reboot"] = "restart", ["on_watchdog"] = "destroy", ["on_crash"] = "destroy",
        };
        foreach (var key in actions.Keys.ToList())
        {
            if (cfg.String(key) is not { } a) continue;
            if (!Actions.Contains(a)) { failure = Fail($"Unknown {key} action \"{a}\" specified"); return null; }
            actions[key] = a;
        }

        string? cmdline = cfg.String("cmdline");
        if (cmdline is null && (cfg.String("root") is { } root | cfg.String("extra") is { } extra))
            cmdline = string.Join(" ", new[] { cfg.String("root") is { } r ? "root=" + r : null, cfg.String("extra") }.Where(x => x != null));

        var kernel = cfg.String("kernel");
        var bootloader = cfg.String("bootloader");
        if (type == "pv" && kernel is null && bootloader is null)
        {
            failure = Fail("Neither kernel nor bootloader specified");
            return null;
        }

        var disks = new List<XlDiskSpec>();
        foreach (var spec in cfg.StringList("disk"))
        {
            // xl exits 1 (EXIT_FAILURE) once libxlutil has reported the spec.
            var d = XlDiskSpec.Parse(spec, cfg.SourceName, out var report);
            if (d is null) { failure = new(string.Join("\n", report), 1); return null; }
            disks.Add(d);
        }
        var vifs = cfg.StringList("vif").Select(XlVifSpec.Parse).ToList();

        return new XlDomainConfig
        {
            Name = name, Type = type, MemoryMiB = memory, MaxMemMiB = maxmem, Vcpus = vcpus, MaxVcpus = maxvcpus,
            Kernel = kernel, Ramdisk = cfg.String("ramdisk"), Cmdline = cmdline, Bootloader = bootloader,
            Uuid = cfg.String("uuid"),
            OnPoweroff = actions["on_poweroff"], OnReboot = actions["on_reboot"],
            OnWatchdog = actions["on_watchdog"], OnCrash = actions["on_crash"],
            Disks = disks, Vifs = vifs,
        };
    }
}
