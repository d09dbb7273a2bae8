using System.Collections;
using SmartDomains.Completion;

namespace SmartDomains.Commands.Completers;

/// <summary>Completes the names of the domains on the session's hosts (those of a -XenHost on the line, if any).</summary>
public sealed class DomainNameCompleter : XenArgumentCompleter
{
    protected override IReadOnlyDictionary<string, string> Candidates(IDictionary fakeBoundParameters) =>
        HostNamesCache.Shared.Read(CompletionWords.Hosts(fakeBoundParameters))
            .SelectMany(h => h.Domains.Select(d => (Name: d, h.Host)))
            .GroupBy(x => x.Name, StringComparer.OrdinalIgnoreCase)
            .ToDictionary(g => g.Key, g => $"{g.Key} on {string.Join(", ", g.Select(x => x.Host))}", StringComparer.OrdinalIgnoreCase);
}
