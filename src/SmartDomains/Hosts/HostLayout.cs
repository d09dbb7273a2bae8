namespace SmartDomains.Hosts;

/// <summary>
/// Every path the module derives from a host's directories, in one place: where configs, pool disks, the journal, its lock,
/// the clear lease, the base-image cache and the save and restore staging dirs live. Nothing else builds these paths.
/// </summary>
public sealed class HostLayout
{
    private readonly string? _stateDir;

    /// <param name="stateDir">Null where only config and image paths are needed (planning knows no state dir).</param>
    public HostLayout(string configDir, string imageDir, string? stateDir, string xlLogDir = HostPaths.DefaultXlLogDir)
    {
        ConfigDir = Trim(configDir);
        ImageDir = Trim(imageDir);
        _stateDir = stateDir is null ? null : Trim(stateDir);
        XlLogDir = Trim(xlLogDir);
    }

    public HostLayout(HostPaths paths) : this(paths.ConfigDir, paths.ImageDir, paths.StateDir, paths.XlLogDir) { }

    public string XlLogDir { get; }
    /// <summary>The log of a domain's xl monitor: XLLOGDIR/xl-NAME.log (do_daemonize in xl_utils.c).</summary>
    public string MonitorLog(string domain) => $"{XlLogDir}/xl-{domain}.log";

    /// <summary>The directories without a trailing '/' ("" for the root itself, so "/x" still joins right).</summary>
    public string ConfigDir { get; }
    public string ImageDir { get; }
    public string StateDir => _stateDir ?? throw new InvalidOperationException("This layout has no state directory.");

    /// <summary>A domain's xl.cfg: CONFIGDIR/NAME.cfg.</summary>
    public string ConfigFile(string domain) => $"{ConfigDir}/{domain}.cfg";

    /// <summary>A pool disk file: IMAGEDIR/POOL/DOMAIN-VDEV.EXT.</summary>
    public string PoolDiskFile(string pool, string domain, string vdev, string extension) => $"{ImageDir}/{pool}/{domain}-{vdev}.{extension}";

    public string Journal => StateDir + "/journal.jsonl";
    public string JournalLock => StateDir + "/journal.lock";
    /// <summary>The clear lease: "TOKEN UNTIL WHO", written under the journal lock by a controller that cleans the host.</summary>
    public string ClearLease => StateDir + "/clear.lease";
    /// <summary>Base images sent to the host, by sha256.</summary>
    public string BaseImageCache => StateDir + "/images";
    /// <summary>Where Save- and Restore-XenImage stage their files (one journaled temp dir each).</summary>
    public string StagingRoot => StateDir + "/tmp";
    public string SaveStaging(string domain) => $"{StagingRoot}/save-{domain}";
    public string RestoreStaging(string domain, string attempt) => $"{StagingRoot}/restore-{domain}-{attempt}";

    private static string Trim(string dir) => dir.TrimEnd('/');
}
