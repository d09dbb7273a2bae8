namespace SmartDomains.Planning;

/// <summary>What placement knows of a host: its free memory now, and where it keeps things.</summary>
public sealed record HostCapacity(string Name, long TotalMemoryMiB, long FreeMemoryMiB, int NrCpus, string ConfigDir, string ImageDir);
