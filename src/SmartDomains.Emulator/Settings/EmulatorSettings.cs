using System.Text.Json;

namespace SmartDomains.Emulator.Settings;

/// <summary>settings.json in the state directory (snake_case). Created with these defaults when missing.</summary>
public sealed class EmulatorSettings
{
    public string Hostname { get; set; } = Environment.MachineName;
    public long TotalMemory { get; set; } = 16384;
    public long Dom0Memory { get; set; } = 1024;
    public int NrCpus { get; set; } = 8;
    public int XenMajor { get; set; } = 4;
    public int XenMinor { get; set; } = 17;
    public string XenExtra { get; set; } = ".3";
    public LatencySettings LatencyMs { get; set; } = new();
    public int GuestBootDelayMs { get; set; } = 300;
    /// <summary>Ports the stand-in guests answer on. Replaces the default, so [2222] means 2222 only.</summary>
    public List<int> GuestPorts { get; set; } = new() { 22 };
    public FaultSettings Faults { get; set; } = new();
    /// <summary>xl's XEN_LOG_DIR, where the monitor of each domain logs to xl-NAME.log.</summary>
    public string XlLogDir { get; set; } = "/var/log/xen";
    /// <summary>LVM volume groups the emulated lvcreate/lvs/lvremove/vgs see (name to size). Replaces the default.</summary>
    public Dictionary<string, VolumeGroupSettings> VolumeGroups { get; set; } = new() { ["vg0"] = new VolumeGroupSettings() };

    public static EmulatorSettings Load(string stateDir)
    {
        var path = Path.Combine(stateDir, "settings.json");
        if (!File.Exists(path))
        {
            var fresh = new EmulatorSettings();
            var tmp = path + "." + Environment.ProcessId + ".tmp";
            File.WriteAllText(tmp, JsonSerializer.Serialize(fresh, EmulatorJson.Default.EmulatorSettings) + "\n");
            try { File.Move(tmp, path, overwrite: false); } catch (IOException) { File.Delete(tmp); }
        }
        return JsonSerializer.Deserialize(EmulatorJson.ReadFile(path), EmulatorJson.Default.EmulatorSettings) ?? new EmulatorSettings();
    }
}

public sealed class VolumeGroupSettings
{
    /// <summary>Size of the group in GiB (may be fractional); rounded down to whole extents.</summary>
    public double SizeGib { get; set; } = 100;
    /// <summary>Physical extent size in MiB (LVM's default is 4).</summary>
    public int ExtentSizeMib { get; set; } = 4;

    public long ExtentBytes => (long)Math.Max(1, ExtentSizeMib) * 1024 * 1024;
    public long ExtentCount => (long)Math.Floor(SizeGib * 1024 * 1024 * 1024 / ExtentBytes);
}

public sealed class LatencySettings
{
    public int Create { get; set; }
    public int Shutdown { get; set; }
    public int Save { get; set; }
    public int Restore { get; set; }
}

public sealed class FaultSettings
{
    public bool CreateOutOfMemory { get; set; }
    /// <summary>Domain name (or "*") to seconds after boot at which it crashes.</summary>
    public Dictionary<string, double> CrashAfterBootS { get; set; } = new();
    /// <summary>Command name to seconds it sleeps before acting.</summary>
    public Dictionary<string, double> Hang { get; set; } = new();
    /// <summary>Domain names (or "*") whose stand-in guest never listens.</summary>
    public List<string> GuestNeverAnswers { get; set; } = new();
    public bool SaveDiesMidway { get; set; }
    /// <summary>Test hook: after destroy, the domain lingers this long as a nameless dying domain.</summary>
    public int DyingAfterDestroyMs { get; set; }

    /// <summary>Domain name (or "*") to seconds after boot at which the guest powers itself off.</summary>
    public Dictionary<string, double> PoweroffAfterBootS { get; set; } = new();

    public double? PoweroffAfter(string name) =>
        PoweroffAfterBootS.TryGetValue(name, out var s) ? s : PoweroffAfterBootS.TryGetValue("*", out var all) ? all : null;

    public double? CrashAfter(string name) =>
        CrashAfterBootS.TryGetValue(name, out var s) ? s : CrashAfterBootS.TryGetValue("*", out var all) ? all : null;

    public bool NeverAnswers(string name) => GuestNeverAnswers.Contains(name) || GuestNeverAnswers.Contains("*");
}
