using System.Collections;
using System.Management.Automation;
using System.Management.Automation.Language;

namespace SmartDomains.Commands.Completers;

/// <summary>Completes Strict and AcceptNew; a pinned fingerprint is typed (or pasted) by hand.</summary>
public sealed class HostKeyPolicyCompleter : IArgumentCompleter
{
    private static readonly (string Value, string Tip)[] Policies =
    {
        ("Strict", "Trust only keys already in known_hosts."),
        ("AcceptNew", "Record the key of a host seen for the first time; refuse a changed key."),
    };

    public IEnumerable<CompletionResult> CompleteArgument(string commandName, string parameterName, string wordToComplete,
        CommandAst commandAst, IDictionary fakeBoundParameters) =>
        Policies.Where(p => p.Value.StartsWith(wordToComplete, StringComparison.OrdinalIgnoreCase))
            .Select(p => new CompletionResult(p.Value, p.Value, CompletionResultType.ParameterValue, p.Tip));
}
