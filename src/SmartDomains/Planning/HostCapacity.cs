namespace SmartDomains.Planning;

/// <summary>What placement knows of a host: its free memory now, and where it keeps things.</summary>
/// <param name="VifScript">The operator's vif hotplug script for the host (Connect-XenHost -VifScript), or null for xl's default.</param>
public sealed record HostCapacity(string Name, long TotalMemoryMiB, long FreeMemoryMiB, int NrCpus, string ConfigDir, string ImageDir, string? VifScript = null)
{
    /// <summary>The config and image paths placement gives (planning knows no state dir).</summary>
    public Hosts.HostLayout Layout => new(ConfigDir, ImageDir, null);
}
