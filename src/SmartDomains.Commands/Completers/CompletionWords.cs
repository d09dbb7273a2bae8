using System.Collections;
using System.Management.Automation;
using System.Management.Automation.Language;
using SmartDomains.Hosts;
using SmartDomains.Model;

namespace SmartDomains.Commands.Completers;

/// <summary>What every completer shares: matching the word typed (a prefix, or a wildcard pattern) and the hosts on the line.</summary>
internal static class CompletionWords
{
    /// <summary>Candidates that match the word: "we" offers web and web2; "*db*" offers every name with db in it.</summary>
    public static IEnumerable<CompletionResult> Match(IEnumerable<string> candidates, string wordToComplete, Func<string, string>? tip = null)
    {
        var word = wordToComplete.Trim('\'', '"');
        var pattern = WildcardPattern.Get(WildcardPattern.ContainsWildcardCharacters(word) ? word : word + "*", WildcardOptions.IgnoreCase);
        return candidates.Where(c => pattern.IsMatch(c)).Distinct(StringComparer.OrdinalIgnoreCase).Order(StringComparer.OrdinalIgnoreCase)
            .Select(c => new CompletionResult(Quote(c), c, CompletionResultType.ParameterValue, tip?.Invoke(c) ?? c));
    }

    /// <summary>The session's hosts named by a -XenHost already on the line (names or wildcards), or all of them.</summary>
    public static IReadOnlyList<HostConnection> Hosts(IDictionary fakeBoundParameters, string parameter = "XenHost")
    {
        var all = XenCmdlet.Registry.All;
        var named = Values(fakeBoundParameters, parameter).ToArray();
        if (named.Length == 0) return all.ToArray();
        var patterns = named.Select(n => WildcardPattern.Get(n, WildcardOptions.IgnoreCase)).ToArray();
        return all.Where(c => patterns.Any(p => p.IsMatch(c.Name))).ToArray();
    }

    /// <summary>Names read from the hosts, each with a tooltip saying which hosts have it: "db-1 on dom0a, dom0b".</summary>
    public static IReadOnlyDictionary<string, string> OnHosts(IEnumerable<Completion.HostNames> hosts,
        Func<Completion.HostNames, IEnumerable<string>> names, string prefix = "") =>
        hosts.SelectMany(h => names(h).Select(n => (Name: n, h.Host)))
            .GroupBy(x => x.Name, StringComparer.OrdinalIgnoreCase)
            .ToDictionary(g => g.Key, g => $"{prefix}{g.Key} on {string.Join(", ", g.Select(x => x.Host))}", StringComparer.OrdinalIgnoreCase);

    /// <summary>A parameter's value(s) as typed on the line, as strings; none when it is absent.</summary>
    public static IEnumerable<string> Values(IDictionary fakeBoundParameters, string parameter)
    {
        if (!fakeBoundParameters.Contains(parameter)) yield break;
        var value = fakeBoundParameters[parameter];
        var items = value is IEnumerable list and not string ? list.Cast<object?>() : new[] { value };
        foreach (var item in items)
        {
            var raw = item is PSObject p ? p.BaseObject : item;
            var text = raw switch { XenHost h => h.Name, null => null, _ => raw.ToString() };
            if (!string.IsNullOrWhiteSpace(text)) yield return text;
        }
    }

    /// <summary>A path as typed (relative to the current location, ~, a PSDrive) made a file system path.</summary>
    public static string LocalPath(string typed)
    {
        // The completer runs while the completion pipeline does, so session state is reached through a nested command.
        using var shell = PowerShell.Create(RunspaceMode.CurrentRunspace);
        shell.AddScript("param($p) $ExecutionContext.SessionState.Path.GetUnresolvedProviderPathFromPSPath($p)").AddArgument(typed);
        return shell.Invoke<string>().FirstOrDefault() ?? typed;
    }

    private static string Quote(string text) =>
        text.Any(c => char.IsWhiteSpace(c) || "'\"`$&|;,(){}@#<>".Contains(c)) ? "'" + CodeGeneration.EscapeSingleQuotedStringContent(text) + "'" : text;
}
