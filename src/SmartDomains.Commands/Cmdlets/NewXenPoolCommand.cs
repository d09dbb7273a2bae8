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
public sealed class NewXenPoolCommand : XenPoolPlanningCmdlet
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
        var parameters = PoolInput.Parameters(Parameter);
        var loader = new PoolLoader(TemplateSearchPath.Current);
        if (ParameterSetName == DefinitionSet)
        {
            var origin = System.IO.Path.Combine(SessionState.Path.CurrentFileSystemLocation.ProviderPath, PoolInput.DefinitionFileName);
            Plan(() => loader.LoadText(PoolInput.ToJson(Definition!), origin, parameters), PoolInput.DefinitionFileName);
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
        if (LoadAndPlan(load, target, XenHost) is { } pool) WriteObject(pool);
    }
}
