using System.Collections;
using SmartDomains.Completion;

namespace SmartDomains.Commands.Completers;

/// <summary>Completes the names of the domains on the session's hosts (those of a -XenHost on the line, if any).</summary>
public sealed class DomainNameCompleter : XenArgumentCompleter
{
    protected override IReadOnlyDictionary<string, string> Candidates(IDictionary fakeBoundParameters) =>
        CompletionWords.OnHosts(HostNamesCache.Shared.Read(CompletionWords.Hosts(fakeBoundParameters)), h => h.Domains);
}
