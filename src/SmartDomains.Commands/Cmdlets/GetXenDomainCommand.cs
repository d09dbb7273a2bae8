using System.Management.Automation;
using SmartDomains.Commands.Arguments;
using SmartDomains.Commands.Completers;
using SmartDomains.Hosts;
using SmartDomains.Model;
using SmartDomains.Xl;

namespace SmartDomains.Commands.Cmdlets;

/// <summary>Lists domains on every connected host (or -Host), all hosts queried in parallel with one `xl list -v` each.</summary>
[Cmdlet(VerbsCommon.Get, "XenDomain")]
[OutputType(typeof(XenDomain))]
public sealed class GetXenDomainCommand : XenCmdlet
{
    [Parameter(Position = 0)]
    [SupportsWildcards]
    [ValidateNotNullOrEmpty]
    [ArgumentCompleter(typeof(DomainNameCompleter))]
    public string[]? Name { get; set; }

    [Parameter(ValueFromPipeline = true, ValueFromPipelineByPropertyName = true)]
    [Alias("Host")]
    [ArgumentCompleter(typeof(XenHostNameCompleter))]
    public XenHostArgument[]? XenHost { get; set; }

    /// <summary>Include Domain-0.</summary>
    [Parameter]
    public SwitchParameter IncludeDom0 { get; set; }

    private readonly List<HostConnection> _connections = new();

    protected override void ProcessRecord() => _connections.AddRange(ResolveConnections(XenHost));

    protected override void EndProcessing()
    {
        var patterns = Name?.Select(n => new WildcardPattern(n, WildcardOptions.IgnoreCase)).ToArray();
        var connections = _connections.DistinctBy(c => c.Name, StringComparer.OrdinalIgnoreCase).ToArray();
        var found = CollectFromHosts(connections, async (connection, _) =>
            XlListParser.Parse((await connection.RunXlAsync(Cancellation, "list", "-v").ConfigureAwait(false)).StdOut, connection.Name));

        var matchedNames = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        foreach (var (_, domains) in found)
        {
            foreach (var d in domains.OrderBy(d => d.DomId))
            {
                if (d.DomId == 0 && !IncludeDom0) continue;
                if (patterns is not null)
                {
                    var match = Name!.Where((_, i) => patterns[i].IsMatch(d.Name ?? "")).ToArray();
                    if (match.Length == 0) continue;
                    matchedNames.UnionWith(match);
                }
                WriteObject(d);
            }
        }
        ReportMissingNames(matchedNames);
    }

    /// <summary>A literal name that matched nothing is an error, as with Get-Process; a wildcard is not.</summary>
    private void ReportMissingNames(HashSet<string> matched)
    {
        foreach (var name in Name ?? Array.Empty<string>())
        {
            if (WildcardPattern.ContainsWildcardCharacters(name) || matched.Contains(name)) continue;
            WriteError(new ErrorRecord(new ItemNotFoundException($"No domain named '{name}' was found on the queried hosts."),
                XenErrorIds.DomainNotFound, ErrorCategory.ObjectNotFound, name));
        }
    }
}
