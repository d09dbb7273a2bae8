namespace SmartDomains.Hosts;

/// <summary>
/// How an SSH host is reached: SSH.NET inside the process (the default), or the system's OpenSSH client, which reads the
/// user's ssh config and so brings its aliases, agents, jump hosts, certificates and Kerberos along.
/// </summary>
public enum HostTransport { SshNet, OpenSSH }
