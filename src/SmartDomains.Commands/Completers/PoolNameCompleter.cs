using System.Collections;
using SmartDomains.Completion;

namespace SmartDomains.Commands.Completers;

/// <summary>Completes the names of the pools whose records are in the journals of the session's hosts.</summary>
public sealed class PoolNameCompleter : XenArgumentCompleter
{
    protected override IReadOnlyDictionary<string, string> Candidates(IDictionary fakeBoundParameters) =>
        CompletionWords.OnHosts(HostNamesCache.Shared.Read(CompletionWords.Hosts(fakeBoundParameters)), h => h.Pools, "pool ");
}
