using System.Management.Automation;
using SmartDomains.Liveness;

namespace SmartDomains.Commands.Cmdlets;

/// <summary>
/// Tests whether domains are alive: xl state running or blocked, the guest address accepting TCP (probed from dom0), and
/// optionally an SSH banner. Returns one [bool] per domain, or the LivenessResult with -Detailed.
/// </summary>
[Cmdlet(VerbsDiagnostic.Test, "XenDomainLiveness", DefaultParameterSetName = NameSet)]
[OutputType(typeof(bool))]
[OutputType(typeof(LivenessResult))]
public sealed class TestXenDomainLivenessCommand : XenLivenessCmdlet
{
    /// <summary>Return the LivenessResult (which check failed, and the timings) instead of [bool].</summary>
    [Parameter]
    public SwitchParameter Detailed { get; set; }

    protected override void EndProcessing()
    {
        var (targets, missing) = ResolveTargets();
        var results = new LivenessResult?[targets.Count];
        RunPerHost(targets, async (target, index, pump) =>
        {
            var result = await LivenessChecker.CheckOnceAsync(target.Host, NewCheck(target.Domain, stateOnly: false), Cancellation)
                .ConfigureAwait(false);
            pump.Post(() => results[index] = result);
        });

        for (int i = 0; i < targets.Count; i++)
        {
            var result = results[i];
            if (result is null) continue;   // its error is written
            if (result.Failure == LivenessFailure.HostUnreachable)
            {
                WriteError(UnreachableError(result, targets[i].TargetObject));
                continue;
            }
            WriteObject(Detailed ? result : result.Alive);
        }
        foreach (var m in missing) WriteObject(Detailed ? m : false);
    }
}
