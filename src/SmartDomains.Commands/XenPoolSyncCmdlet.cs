using System.Collections;
using System.Management.Automation;
using SmartDomains.Commands.Arguments;
using SmartDomains.Commands.Completers;
using SmartDomains.Hosts;
using SmartDomains.Images;
using SmartDomains.Lifecycle;
using SmartDomains.Planning;
using SmartDomains.Pools;
using SmartDomains.Sync;

namespace SmartDomains.Commands;

/// <summary>
/// Base of Sync-XenPool and Test-XenPool: a pool from the pipeline (New-XenPool, Get-XenPool) or a pool file (-Path, planned
/// onto the connected hosts as New-XenPool plans it), judged at -At.
/// </summary>
public abstract class XenPoolSyncCmdlet : XenPoolPlanningCmdlet
{
    private const string PoolSet = "Pool";
    private const string PathSet = "Path";

    [Parameter(ParameterSetName = PoolSet, Mandatory = true, Position = 0, ValueFromPipeline = true)]
    [ValidateNotNull]
    public XenPool? Pool { get; set; }

    [Parameter(ParameterSetName = PathSet, Mandatory = true)]
    [ValidateNotNullOrEmpty]
    public string? Path { get; set; }

    [Parameter(ParameterSetName = PathSet)]
    public Hashtable? Parameter { get; set; }

    [Parameter(ParameterSetName = PathSet)]
    [Alias("Host")]
    [ArgumentCompleter(typeof(XenHostNameCompleter))]
    public XenHostArgument[]? XenHost { get; set; }

    /// <summary>The moment windows are judged at and restart budgets counted from; default now.</summary>
    [Parameter]
    public DateTimeOffset? At { get; set; }

    /// <summary>Where window saves go and restores come from; default the pool's images.saved.</summary>
    [Parameter]
    [ValidateNotNullOrEmpty]
    public string? Repository { get; set; }

    /// <summary>Where base images come from; default the pool's images.base, then $SmartDomainsImageRepository.</summary>
    [Parameter]
    [ValidateNotNullOrEmpty]
    public string? ImageRepository { get; set; }

    /// <summary>The pool to work on, planned from -Path when no pool object came.</summary>
    private protected XenPool? ResolvePool()
    {
        if (Pool is not null) return Pool;
        var file = GetUnresolvedProviderPathFromPSPath(Path!);
        var parameters = PoolInput.Parameters(Parameter);
        return LoadAndPlan(() => new PoolLoader(TemplateSearchPath.Current).LoadFile(file, parameters), file, XenHost);
    }

    /// <summary>The connected hosts of the pool; those missing were reported by ResolveConnections and are left out.</summary>
    private protected IReadOnlyDictionary<string, HostConnection> PoolHosts(XenPool pool) =>
        ResolveConnections(pool.Hosts.Select(h => new XenHostArgument(h))).ToDictionary(c => c.Name, StringComparer.OrdinalIgnoreCase);

    private protected PoolSyncOptions Options(XenPool pool, int throttleLimit = PoolStartOptions.DefaultThrottleLimit) => new()
    {
        At = At ?? DateTimeOffset.Now,
        SavedImages = (Repository ?? pool.Definition.Images.Saved) is { } saved ? ImageStore.Local(GetUnresolvedProviderPathFromPSPath(saved)) : null,
        Start = new PoolStartOptions { ThrottleLimit = throttleLimit, Images = HostSettings.Images(this, ImageRepository ?? pool.Definition.Images.Base) },
    };
}
