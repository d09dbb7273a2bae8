using SmartDomains.Model;

namespace SmartDomains.Commands.Arguments;

/// <summary>
/// One -XenHost value: a host name (wildcards allowed) or a XenHost object. PowerShell builds it through the constructors, so a
/// name typed on the command line, a XenHost from the pipeline and a Host property of a piped object all bind; anything else
/// is refused by parameter binding.
/// </summary>
public sealed class XenHostArgument
{
    public XenHostArgument(string name) => Name = name;

    public XenHostArgument(XenHost host) => (Host, Name) = (host, host.Name);

    /// <summary>The host name, or a wildcard pattern of names.</summary>
    public string Name { get; }

    /// <summary>The host object given, when one was given: it carries its own connection details.</summary>
    public XenHost? Host { get; }

    public override string ToString() => Name;
}
