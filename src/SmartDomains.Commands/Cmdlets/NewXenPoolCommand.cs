using System.Collections;
using System.Management.Automation;
using SmartDomains.Commands.Arguments;
using SmartDomains.Commands.Completers;
using SmartDomains.Hosts;
using SmartDomains.Lifecycle;
using SmartDomains.Planning;
using SmartDomains.Pools;
using SmartDomains.Xl;

namespace SmartDomains.Commands.Cmdlets;

/// <summary>Reads a pool description and plans it onto hosts. It only reads from hosts; nothing is created.</summary>
[Cmdlet(VerbsCommon.New, "XenPool", DefaultParameterSetName = PathSet)]
[OutputType(typeof(XenPool))]
public sealed class NewXenPoolCommand : XenCmdlet
{
    private const string PathSet = "Path";
    private const string DefinitionSet = "Definition";

    [Parameter(ParameterSetName = PathSet, Mandatory = true, Position = 0, ValueFromPipeline = true, ValueFromPipelineByPropertyName = true)]
    [Alias("FullName", "PSPath")]
    [ValidateNotNullOrEmpty]
    public string[] Path { get; set; } = Array.Empty<string>();

    /// <summary>The description as a hashtable, with the same keys as a pool file.</summary>
    [Parameter(ParameterSetName = DefinitionSet, Mandatory = true)]
    [ValidateNotNull]
    public IDictionary? Definition { get; set; }

    [Parameter]
    [Alias("Host")]
    [ArgumentCompleter(typeof(XenHostNameCompleter))]
    public XenHostArgument[]? XenHost { get; set; }

    /// <summary>Values for ${name} placeholders; they override the file's own "parameters".</summary>
    [Parameter]
    public Hashtable? Parameter { get; set; }

    protected override void ProcessRecord()
    {
        var parameters = Parameter?.Keys.Cast<object>().ToDictionary(k => k.ToString()!, k => Parameter[k] is null ? "" : LanguagePrimitives.ConvertTo<string>(Parameter[k]))
            ?? new Dictionary<string, string>();
        var loader = new PoolLoader(TemplateSearchPath.Current);
        if (ParameterSetName == DefinitionSet)
        {
            var origin = System.IO.Path.Combine(SessionState.Path.CurrentFileSystemLocation.ProviderPath, "(definition)");
            Plan(() => loader.LoadText(PoolInput.ToJson(Definition!), origin, parameters), "(definition)");
            return;
        }
        foreach (var path in Path)
        {
            var file = GetUnresolvedProviderPathFromPSPath(path);
            Plan(() => loader.LoadFile(file, parameters), file);
        }
    }

    private void Plan(Func<PoolDefinition> load, string target)
    {
        PoolDefinition definition;
        try { definition = load(); }
        catch (XenHostException ex)
        {
            WriteError(ToErrorRecord(ex, target));
            return;
        }
        var connections = ResolveConnections(XenHost);
        if (connections.Count == 0) return;
        try
        {
            // A domain larger than any host is a mistake in the file: found from cached facts, before any host is asked.
            PoolPlanner.CheckFitsSomeHost(definition, connections.Select(c => c.Host.TotalMemoryMiB ?? long.MaxValue).Max(), connections.MaxBy(c => c.Host.TotalMemoryMiB ?? 0)!.Name);
            var (capacities, previous) = ReadHosts(connections, definition.Name);
            if (capacities.Count < connections.Count) return;
            WriteObject(PoolPlanner.Plan(definition, capacities, previous));
        }
        catch (XenHostException ex)
        {
            WriteError(ToErrorRecord(ex, target));
        }
    }

    /// <summary>Each host's capacity (xl info), and where an earlier start of this pool put its domains (journal, xl list).</summary>
    private (IReadOnlyList<HostCapacity> Capacities, IReadOnlyDictionary<string, PreviousPlacement> Previous) ReadHosts(
        IReadOnlyList<HostConnection> connections, string pool)
    {
        var read = CollectFromHosts(connections, async (connection, _) =>
        {
            var infoTask = connection.RunXlAsync(Cancellation, "info");
            var view = await PoolCatalog.ReadHostAsync(connection, Cancellation).ConfigureAwait(false);
            var info = XlInfoParser.Parse((await infoTask.ConfigureAwait(false)).StdOut, connection.Name);
            var host = connection.Host;
            (host.TotalMemoryMiB, host.FreeMemoryMiB, host.NrCpus, host.XenVersion) = (info.TotalMemoryMiB, info.FreeMemoryMiB, info.NrCpus, info.XenVersion);
            return (new HostCapacity(connection.Name, info.TotalMemoryMiB, info.FreeMemoryMiB, info.NrCpus, host.ConfigDir, host.ImageDir, host.VifScript), view);
        });
        var previous = new Dictionary<string, PreviousPlacement>(StringComparer.Ordinal);
        foreach (var (connection, (_, view)) in read)
        {
            var record = view.Journal.Resources.LastOrDefault(r => r.Kind == State.ResourceKinds.Pool && r.Resource == pool && r.Exists);
            if (record is null || PoolRecord.FromJournal(record.Last) is not { } poolRecord) continue;
            foreach (var d in poolRecord.Domains)
                previous[d.Name] = new PreviousPlacement(connection.Name, view.Domains.Any(x => x.Name == d.Name));
        }
        return (read.Select(r => r.Result.Item1).ToArray(), previous);
    }
}
