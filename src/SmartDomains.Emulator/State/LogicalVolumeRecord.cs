namespace SmartDomains.Emulator.State;

/// <summary>One emulated LVM logical volume in state.json. Sizes are in extents of its volume group.</summary>
public sealed class LogicalVolumeRecord
{
    public string Vg { get; set; } = "";
    public string Name { get; set; } = "";
    public long Extents { get; set; }
    /// <summary>For a (thick) snapshot: the name of its origin LV in the same group.</summary>
    public string? Origin { get; set; }
    public string Uuid { get; set; } = "";
    public long CreatedMs { get; set; }

    public bool IsSnapshot => Origin != null;
}
