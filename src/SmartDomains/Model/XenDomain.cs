namespace SmartDomains.Model;

/// <summary>One domain on one host, as xl reports it.</summary>
public sealed class XenDomain
{
    public string? Name { get; set; }
    public int DomId { get; set; }
    public string Host { get; set; } = "";
    public long MemoryMiB { get; set; }
    public int VCpus { get; set; }
    public DomainState State { get; set; }
    public ShutdownReason ShutdownReason { get; set; }
    public double CpuSeconds { get; set; }
    public Guid? Uuid { get; set; }
    /// <summary>The raw state letters, e.g. "-b----".</summary>
    public string StateFlags { get; set; } = "------";

    public override string ToString() => $"{Name ?? "(null)"} ({DomId}) on {Host}";
}
