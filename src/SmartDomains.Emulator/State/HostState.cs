namespace SmartDomains.Emulator.State;

/// <summary>state.json: the domains and the next domid (domids are never reused).</summary>
public sealed class HostState
{
    public int NextDomid { get; set; } = 1;
    public List<DomainRecord> Domains { get; set; } = new();
    /// <summary>Emulated LVM logical volumes (lvcreate/lvremove), in creation order.</summary>
    public List<LogicalVolumeRecord> LogicalVolumes { get; set; } = new();

    public DomainRecord? ByDomid(int domid) => Domains.FirstOrDefault(d => d.Domid == domid);
    public DomainRecord? ByName(string name) => Domains.FirstOrDefault(d => d.Name == name && d.Status != DomainStatus.Dying);

    public long UsedMemoryMiB => Domains.Sum(d => d.Spec.MemoryMiB);
}
