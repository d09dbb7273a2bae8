using System.Collections;

namespace SmartDomains.Commands.Completers;

/// <summary>Completes the names of hosts connected in this runspace.</summary>
public sealed class XenHostNameCompleter : XenArgumentCompleter
{
    protected override IReadOnlyDictionary<string, string> Candidates(IDictionary fakeBoundParameters) =>
        XenCmdlet.Registry.All.ToDictionary(c => c.Name, c => $"{c.Name} ({c.Host.Kind})", StringComparer.OrdinalIgnoreCase);
}
