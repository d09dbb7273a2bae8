using System.Collections;
using System.Management.Automation;
using System.Management.Automation.Language;

namespace SmartDomains.Commands.Completers;

/// <summary>Completes the names of hosts connected in this runspace.</summary>
public sealed class XenHostNameCompleter : IArgumentCompleter
{
    public IEnumerable<CompletionResult> CompleteArgument(string commandName, string parameterName, string wordToComplete,
        CommandAst commandAst, IDictionary fakeBoundParameters) =>
        XenCmdlet.Registry.All.Select(c => c.Name)
            .Where(n => n.StartsWith(wordToComplete.Trim('\'', '"'), StringComparison.OrdinalIgnoreCase))
            .Select(n => new CompletionResult(n, n, CompletionResultType.ParameterValue, n));
}
