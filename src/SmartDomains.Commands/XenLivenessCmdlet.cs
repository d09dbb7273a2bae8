using System.Globalization;
using System.Management.Automation;
using SmartDomains.Commands.Arguments;
using SmartDomains.Commands.Completers;
using SmartDomains.Commands.Session;
using SmartDomains.Liveness;
using SmartDomains.Model;

namespace SmartDomains.Commands;

/// <summary>The shared input of Test-XenDomainLiveness and Wait-XenDomain: domains by pipeline, or names on hosts.</summary>
public abstract class XenLivenessCmdlet : XenCmdlet
{
    protected const string NameSet = "Name";
    protected const string InputObjectSet = "InputObject";

    /// <summary>Domains from Get-XenDomain (they carry their Name and Host).</summary>
    [Parameter(Mandatory = true, ValueFromPipeline = true, ParameterSetName = InputObjectSet)]
    [ValidateNotNull]
    public XenDomain[]? InputObject { get; set; }

    [Parameter(Mandatory = true, Position = 0, ValueFromPipelineByPropertyName = true, ParameterSetName = NameSet)]
    [SupportsWildcards]
    [ValidateNotNullOrEmpty]
    [ArgumentCompleter(typeof(DomainNameCompleter))]
    public string[]? Name { get; set; }

    [Parameter(ValueFromPipelineByPropertyName = true, ParameterSetName = NameSet)]
    [Alias("Host")]
    [ArgumentCompleter(typeof(XenHostNameCompleter))]
    public XenHostArgument[]? XenHost { get; set; }

    [Parameter]
    [ValidateRange(1, 65535)]
    public int Port { get; set; } = 22;

    [Parameter]
    [ValidateNotNullOrEmpty]
    public string? Address { get; set; }

    [Parameter]
    public SwitchParameter SshBanner { get; set; }

    [Parameter]
    [ValidateRange(0.1, 3600.0)]
    public double ProbeTimeoutSeconds { get; set; } = 3;

    /// <summary>At most this many checks run at once on one host (sshd's default MaxSessions is 10).</summary>
    private const int PerHostParallelism = 8;

    private readonly DomainTargets _targets = new();
    private string? _address;

    protected override void BeginProcessing()
    {
        if (Address is not null)
        {
            _address = LivenessChecker.CanonicalAddress(Address);
            if (_address is null)
                ThrowTerminatingError(new ErrorRecord(
                    new ArgumentException($"-Address '{Address}' is not an IP address. Give an IPv4 or IPv6 address, not a name."),
                    XenErrorIds.LivenessAddressInvalid, ErrorCategory.InvalidArgument, Address));
        }
    }

    protected override void ProcessRecord()
    {
        if (ParameterSetName == InputObjectSet)
        {
            foreach (var domain in InputObject ?? Array.Empty<XenDomain>())
            {
                if (domain.Name is null)
                {
                    WriteError(new ErrorRecord(new ArgumentException($"Domain {domain.DomId} on {domain.Host} has no name (it is dying)."),
                        XenErrorIds.DomainNotFound, ErrorCategory.ObjectNotFound, domain));
                    continue;
                }
                foreach (var connection in ResolveConnections(new[] { new XenHostArgument(domain.Host) }))
                    _targets.Add(new DomainTarget(connection, domain.Name, domain));
            }
            return;
        }
        var connections = ResolveConnections(XenHost);
        if (connections.Count > 0) _targets.Add(Name!, connections);
    }

    internal LivenessCheck NewCheck(string name, bool stateOnly) => new()
    {
        Domain = name,
        Address = _address,
        Port = Port,
        CheckBanner = SshBanner,
        ProbeTimeout = TimeSpan.FromSeconds(ProbeTimeoutSeconds),
        StateOnly = stateOnly,
    };

    /// <summary>
    /// The domains to check, in input order and without repeats. Names with wildcards, or on several hosts, are matched against
    /// `xl list` on the hosts (one call per host, in parallel); a literal name found on no host comes back in <c>Missing</c>, as a
    /// NotFound result. A literal name on a single host is checked directly: the check itself finds out whether it exists.
    /// </summary>
    internal (IReadOnlyList<DomainTarget> Targets, IReadOnlyList<LivenessResult> Missing) ResolveTargets()
    {
        var (found, missing) = _targets.Resolve(this, DomainLookup.Listing, Cancellation);
        var notFound = missing.Where(m => m.Hosts.Count > 0).Select(m => new LivenessResult
        {
            Domain = m.Name, Host = string.Join(", ", m.Hosts), Port = Port, Address = _address, Failure = LivenessFailure.NotFound,
            Message = $"xl state: no domain named '{m.Name}' on host{(m.Hosts.Count > 1 ? "s" : "")} {string.Join(", ", m.Hosts)}",
        }).ToArray();
        return (found, notFound);
    }

    /// <summary>
    /// Runs <paramref name="body"/> for every target: hosts in parallel, and up to 8 targets at once within a host. A failure of
    /// one target becomes a non-terminating error for that target; the others carry on.
    /// </summary>
    internal void RunPerHost(IReadOnlyList<DomainTarget> targets, Func<DomainTarget, int, PipelinePump, Task> body)
    {
        var byHost = targets.Select((t, i) => (Target: t, Index: i)).GroupBy(x => x.Target.Host).ToDictionary(g => g.Key, g => g.ToArray());
        ForEachHost(byHost.Keys.ToArray(), async (connection, pump) =>
        {
            using var gate = new SemaphoreSlim(PerHostParallelism);
            await Task.WhenAll(byHost[connection].Select(async x =>
            {
                await gate.WaitAsync(Cancellation).ConfigureAwait(false);
                try { await body(x.Target, x.Index, pump).ConfigureAwait(false); }
                catch (OperationCanceledException) when (Cancellation.IsCancellationRequested) { }
                catch (Exception ex) { pump.Post(() => WriteError(ToErrorRecord(ex, x.Target.TargetObject))); }
                finally { gate.Release(); }
            })).ConfigureAwait(false);
        });
    }

    internal static ErrorRecord UnreachableError(LivenessResult result, object target)
    {
        var message = $"Could not check domain '{result.Domain}': {result.Message}";
        return new ErrorRecord(new XenHostException(XenErrorIds.HostUnreachable, XenErrorCategory.ConnectionError, result.Host, message),
            XenErrorIds.HostUnreachable, ErrorCategory.ConnectionError, target)
        {
            ErrorDetails = new ErrorDetails(message) { RecommendedAction = "Check that the host is up and its sshd answers, then try again." },
        };
    }

    internal static string Seconds(TimeSpan t) => t.TotalSeconds.ToString("0.0", CultureInfo.InvariantCulture) + " s";
}
