using System.Collections;
using SmartDomains.Completion;

namespace SmartDomains.Commands.Completers;

/// <summary>Completes the names of the pools whose records are in the journals of the session's hosts.</summary>
public sealed class PoolNameCompleter : XenArgumentCompleter
{
    protected override IReadOnlyDictionary<string, string> Candidates(IDictionary fakeBoundParameters) =>
        HostNamesCache.Shared.Read(CompletionWords.Hosts(fakeBoundParameters))
            .SelectMany(h => h.Pools.Select(p => (Name: p, h.Host)))
            .GroupBy(x => x.Name, StringComparer.Ordinal)
            .ToDictionary(g => g.Key, g => $"pool {g.Key} on {string.Join(", ", g.Select(x => x.Host))}", StringComparer.Ordinal);
}
