namespace SmartDomains.HostScripts;

/// <summary>The host scripts, one property per file of this folder (a test keeps the two lists equal).</summary>
public static class Scripts
{
    public static HostScript JournalAppend => Get("journal-append.sh");
    public static HostScript JournalRead => Get("journal-read.sh");
    public static HostScript LeaseAcquire => Get("lease-acquire.sh");
    public static HostScript LeaseRelease => Get("lease-release.sh");
    public static HostScript LeaseFinish => Get("lease-finish.sh");
    public static HostScript LeaseTidy => Get("lease-tidy.sh");
    public static HostScript LeaseRead => Get("lease-read.sh");
    public static HostScript FileWrite => Get("file-write.sh");
    public static HostScript ConfigOwned => Get("config-owned.sh");
    public static HostScript PathAbsent => Get("path-absent.sh");
    public static HostScript PathStat => Get("path-stat.sh");
    public static HostScript FilesTail => Get("files-tail.sh");
    public static HostScript VerifySha256 => Get("verify-sha256.sh");
    public static HostScript VerifyRanges => Get("verify-ranges.sh");
    public static HostScript DirRemove => Get("dir-remove.sh");
    public static HostScript DiskFree => Get("disk-free.sh");
    public static HostScript StorageProbe => Get("storage-probe.sh");
    public static HostScript MoveIntoPlace => Get("move-into-place.sh");
    public static HostScript TempRemove => Get("temp-remove.sh");
    public static HostScript ImageArchive => Get("image-archive.sh");
    public static HostScript ImageStream => Get("image-stream.sh");
    public static HostScript ImageUnpack => Get("image-unpack.sh");
    public static HostScript ImageConvert => Get("image-convert.sh");
    public static HostScript RepositoryList => Get("repository-list.sh");
    public static HostScript LivenessProbe => Get("liveness-probe.bash");

    private static readonly System.Collections.Concurrent.ConcurrentDictionary<string, HostScript> Loaded = new(StringComparer.Ordinal);

    /// <summary>A script by file name, loaded once.</summary>
    public static HostScript Get(string name) => Loaded.GetOrAdd(name, HostScript.Load);
}
