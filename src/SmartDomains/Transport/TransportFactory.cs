using SmartDomains.Hosts;

namespace SmartDomains.Transport;

public static class TransportFactory
{
    /// <summary>SSH for remote dom0s; a local shell for pwsh on dom0 and for emulated hosts.</summary>
    public static IHostTransport Create(HostConnectionInfo info) =>
        info.Kind == HostKind.Ssh ? new SshTransport(info) : new LocalTransport(info);
}
