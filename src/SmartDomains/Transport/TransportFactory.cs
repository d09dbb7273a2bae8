using SmartDomains.Hosts;

namespace SmartDomains.Transport;

public static class TransportFactory
{
    // The SSH transport is named, not referenced: the core must never bind to SSH.NET itself, so that the module can load
    // SmartDomains.Ssh and SSH.NET into its own AssemblyLoadContext (ARCHITECTURE.md, "Assembly load context").
    private const string SshTransportType = "SmartDomains.Ssh.SshTransport, SmartDomains.Ssh";

    // PublicationOnly: a failed load is not cached, so a later attempt (say after the module's import hooked its context in)
    // can still succeed.
    private static readonly Lazy<Type> SshTransport =
        new(() => Type.GetType(SshTransportType, throwOnError: true)!, LazyThreadSafetyMode.PublicationOnly);

    /// <summary>SSH (SSH.NET, or the system's OpenSSH) for remote dom0s; a local shell for pwsh on dom0 and for emulated hosts.</summary>
    public static IHostTransport Create(HostConnectionInfo info) => info.Kind switch
    {
        HostKind.Ssh when info.Transport == HostTransport.OpenSSH => new OpenSsh.OpenSshTransport(info),
        HostKind.Ssh => (IHostTransport)Activator.CreateInstance(SshTransport.Value, info)!,
        _ => new LocalTransport(info),
    };
}
