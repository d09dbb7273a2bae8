using SmartDomains.Hosts;

namespace SmartDomains.Commands.Session;

/// <summary>One domain a cmdlet acts on: its host, its name, and the object its errors are about (the piped domain, or the name).</summary>
internal sealed record DomainTarget(HostConnection Host, string Domain, object TargetObject);
