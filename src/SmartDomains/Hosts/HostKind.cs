namespace SmartDomains.Hosts;

/// <summary>How a host is reached: SSH to a dom0, the machine itself, or an emulated host on this machine.</summary>
public enum HostKind { Ssh, Local, Emulator }
