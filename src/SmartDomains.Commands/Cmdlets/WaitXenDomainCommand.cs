using System.Management.Automation;
using SmartDomains.Commands.Arguments;
using SmartDomains.Liveness;
using SmartDomains.Model;
using SmartDomains.Xl;

namespace SmartDomains.Commands.Cmdlets;

/// <summary>
/// Waits until domains are running (xl state) or alive on the network (state, TCP from dom0, optional SSH banner), all domains in
/// parallel. Outputs each domain, refreshed, as soon as it is ready, as Wait-Job outputs jobs. A timeout writes
/// XenDomainWaitTimeout; a crash writes XenDomainCrashed at once.
/// </summary>
[Cmdlet(VerbsLifecycle.Wait, "XenDomain", DefaultParameterSetName = NameSet)]
[OutputType(typeof(XenDomain))]
public sealed class WaitXenDomainCommand : XenLivenessCmdlet
{
    /// <summary>Running: xl state running or blocked. Network: also TCP to the guest address from dom0 (and -SshBanner).</summary>
    [Parameter]
    public DomainWaitCondition For { get; set; } = DomainWaitCondition.Running;

    [Parameter]
    [Alias("Timeout")]
    [ValidateRange(1, 2_000_000)]
    public int TimeoutSeconds { get; set; } = 300;

    [Parameter]
    [ValidateRange(50, 600_000)]
    public int IntervalMilliseconds { get; set; } = 1000;

    public const string NoAddressErrorId = XenErrorIds.DomainNoAddress;

    protected override void EndProcessing()
    {
        var (targets, missing) = ResolveTargets();
        foreach (var m in missing)
            WriteError(new ErrorRecord(new ItemNotFoundException($"No domain named '{m.Domain}' was found on {m.Host}."),
                XenErrorIds.DomainNotFound, ErrorCategory.ObjectNotFound, m.Domain));

        bool network = For == DomainWaitCondition.Network;
        var timeout = TimeSpan.FromSeconds(TimeoutSeconds);
        var interval = TimeSpan.FromMilliseconds(IntervalMilliseconds);
        RunPerHost(targets, async (target, _, pump) =>
        {
            var result = await LivenessChecker.WaitAsync(target.Host, NewCheck(target.Domain, stateOnly: !network), timeout, interval,
                Cancellation).ConfigureAwait(false);
            if (result.Alive)
            {
                // The domain as it is now (its state and CPU time have moved on since Get-XenDomain).
                var list = await target.Host.RunXlAsync(Cancellation, "list", "-v", target.Domain).ConfigureAwait(false);
                var domain = XlListParser.Parse(list.StdOut, target.Host.Name).FirstOrDefault(d => d.Name == target.Domain);
                pump.Post(() =>
                {
                    WriteVerbose($"[{result.Host}] {result.Domain}: {result.Message} ({result.Attempts} attempt(s), {Seconds(result.Elapsed)})");
                    WriteObject(domain ?? (object)result);
                });
                return;
            }
            pump.Post(() => WriteError(FailureError(result, target.TargetObject, network)));
        });
    }

    private ErrorRecord FailureError(LivenessResult r, object target, bool network)
    {
        string where = $"Domain '{r.Domain}' on host '{r.Host}'";
        string elapsed = $"{Seconds(r.Elapsed)}, {r.Attempts} attempt{(r.Attempts == 1 ? "" : "s")}";
        switch (r.Failure)
        {
            case LivenessFailure.HostUnreachable:
                return UnreachableError(r, target);
            case LivenessFailure.Crashed:
                return Error(new InvalidOperationException($"{where} has crashed ({r.Message}; after {elapsed})."),
                    XenErrorIds.DomainCrashed, ErrorCategory.ResourceUnavailable, target,
                    "Read the guest's console and /var/log/xen on the host, then start the domain again.");
            case LivenessFailure.NotFound:
                return Error(new ItemNotFoundException($"{where} does not exist or is gone ({r.Message}; after {elapsed})."),
                    XenErrorIds.DomainNotFound, ErrorCategory.ObjectNotFound, target,
                    "The domain was destroyed or crashed with on_crash=destroy; check it with Get-XenDomain.");
            case LivenessFailure.NoAddress:
                return Error(new InvalidOperationException($"{where} has no address to probe ({r.Message})."),
                    NoAddressErrorId, ErrorCategory.InvalidData, target,
                    "Give the guest address with -Address, or set ip= on the domain's vif, or wait with -For Running.");
            default:
                string goal = network ? "alive on the network" : "running";
                return Error(new TimeoutException($"{where} was not {goal} within {TimeoutSeconds} s: the {CheckName(r.Failure)} check failed ({r.Message})."),
                    XenErrorIds.DomainWaitTimeout, ErrorCategory.OperationTimeout, target,
                    "Raise -TimeoutSeconds, or look at the guest (Test-XenDomainLiveness -Detailed).");
        }
    }

    private static string CheckName(LivenessFailure f) => f switch
    {
        LivenessFailure.NotRunning => "xl state",
        LivenessFailure.TcpRefused or LivenessFailure.TcpTimeout => "TCP",
        LivenessFailure.BannerMismatch => "SSH banner",
        _ => f.ToString(),
    };

    private static ErrorRecord Error(Exception ex, string id, ErrorCategory category, object target, string action) =>
        new(ex, id, category, target) { ErrorDetails = new ErrorDetails(ex.Message) { RecommendedAction = action } };
}
