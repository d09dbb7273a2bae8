using System.Globalization;
using System.Management.Automation;
using SmartDomains.Commands.Arguments;
using SmartDomains.Commands.Completers;
using SmartDomains.Commands.Session;
using SmartDomains.Hosts;
using SmartDomains.Liveness;
using SmartDomains.Model;
using SmartDomains.Xl;

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

    private readonly List<Target> _targets = new();
    private readonly List<(string[] Names, IReadOnlyList<HostConnection> Connections)> _requests = new();
    private string? _address;

    /// <summary>One domain to check: its host, its name, and the object errors are about (the input XenDomain or the name).</summary>
    internal sealed record Target(HostConnection Connection, string Name, object TargetObject);

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
                    _targets.Add(new Target(connection, domain.Name, domain));
            }
            return;
        }
        var connections = ResolveConnections(XenHost);
        if (connections.Count > 0) _requests.Add((Name!, connections));
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
    /// The domains to check, in input order and without repeats. Names with wildcards are matched against `xl list` on the
    /// hosts (one call per host, in parallel). A literal name found on no host comes back in <c>Missing</c>, as a NotFound
    /// result. A literal name on a single host is checked directly: the check itself finds out whether it exists.
    /// </summary>
    internal (IReadOnlyList<Target> Targets, IReadOnlyList<LivenessResult> Missing) ResolveTargets()
    {
        var missing = new List<LivenessResult>();
        var toList = _requests.Where(r => r.Connections.Count > 1 || r.Names.Any(WildcardPattern.ContainsWildcardCharacters))
            .SelectMany(r => r.Connections).DistinctBy(c => c.Name, StringComparer.OrdinalIgnoreCase).ToArray();
        var listed = toList.Length == 0
            ? new Dictionary<HostConnection, IReadOnlyList<XenDomain>>()
            : CollectFromHosts(toList, async (connection, _) =>
                    XlListParser.Parse((await connection.RunXlAsync(Cancellation, "list").ConfigureAwait(false)).StdOut, connection.Name))
                .ToDictionary(x => x.Connection, x => x.Result);

        foreach (var (names, connections) in _requests)
        {
            if (connections.Count == 1 && !names.Any(WildcardPattern.ContainsWildcardCharacters))
            {
                _targets.AddRange(names.Select(n => new Target(connections[0], n, n)));
                continue;
            }
            foreach (var name in names)
            {
                var pattern = new WildcardPattern(name, WildcardOptions.IgnoreCase);
                bool found = false;
                foreach (var connection in connections)
                {
                    if (!listed.TryGetValue(connection, out var domains)) continue;   // the listing failed: its error is written
                    foreach (var d in domains.Where(d => d.DomId != 0 && d.Name is not null && pattern.IsMatch(d.Name)))
                    {
                        _targets.Add(new Target(connection, d.Name!, d));
                        found = true;
                    }
                }
                if (!found && !WildcardPattern.ContainsWildcardCharacters(name))
                {
                    var hosts = string.Join(", ", connections.Where(listed.ContainsKey).Select(c => c.Name));
                    if (hosts.Length == 0) continue;
                    missing.Add(new LivenessResult
                    {
                        Domain = name, Host = hosts, Port = Port, Address = _address, Failure = LivenessFailure.NotFound,
                        Message = $"xl state: no domain named '{name}' on host{(hosts.Contains(',') ? "s" : "")} {hosts}",
                    });
                }
            }
        }
        var targets = _targets.DistinctBy(t => (t.Connection.Name.ToUpperInvariant(), t.Name)).ToArray();
        return (targets, missing);
    }

    /// <summary>
    /// Runs <paramref name="body"/> for every target: hosts in parallel, and up to 8 targets at once within a host. A failure of
    /// one target becomes a non-terminating error for that target; the others carry on.
    /// </summary>
    internal void RunPerHost(IReadOnlyList<Target> targets, Func<Target, int, PipelinePump, Task> body)
    {
        var byHost = targets.Select((t, i) => (Target: t, Index: i)).GroupBy(x => x.Target.Connection).ToDictionary(g => g.Key, g => g.ToArray());
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
