using System.Collections;
using System.Management.Automation;
using System.Management.Automation.Language;

namespace SmartDomains.Commands.Completers;

/// <summary>
/// Base of the completers of names: the candidates and their tooltips come from the subclass, the matching (prefix or
/// wildcard) from CompletionWords. A completer that throws makes PowerShell offer file names instead, so a failure offers
/// nothing.
/// </summary>
public abstract class XenArgumentCompleter : IArgumentCompleter
{
    public IEnumerable<CompletionResult> CompleteArgument(string commandName, string parameterName, string wordToComplete,
        CommandAst commandAst, IDictionary fakeBoundParameters)
    {
        try
        {
            var candidates = Candidates(fakeBoundParameters);
            return CompletionWords.Match(candidates.Keys, wordToComplete, n => candidates[n]).ToArray();
        }
        catch (Exception) { return Array.Empty<CompletionResult>(); }
    }

    /// <summary>Each name that could be offered, with its tooltip.</summary>
    protected abstract IReadOnlyDictionary<string, string> Candidates(IDictionary fakeBoundParameters);
}
