namespace SmartDomains.Model;

/// <summary>Facts about a dom0, from `xl info`. Memory is in MiB, as xl prints it.</summary>
public sealed class XenHostInfo
{
    public string HostName { get; set; } = "";
    public string XenVersion { get; set; } = "";
    public int NrCpus { get; set; }
    public long TotalMemoryMiB { get; set; }
    public long FreeMemoryMiB { get; set; }
    public string Release { get; set; } = "";
    public string Machine { get; set; } = "";
    /// <summary>Every key and value, in xl's order.</summary>
    public IReadOnlyList<KeyValuePair<string, string>> Values { get; set; } = Array.Empty<KeyValuePair<string, string>>();
}
