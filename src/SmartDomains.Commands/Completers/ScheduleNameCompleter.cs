using System.Collections;
using SmartDomains.Schedules;

namespace SmartDomains.Commands.Completers;

/// <summary>Completes the names of the schedules Register-XenPoolSchedule installed (its manifests, on this machine).</summary>
public sealed class ScheduleNameCompleter : XenArgumentCompleter
{
    protected override IReadOnlyDictionary<string, string> Candidates(IDictionary fakeBoundParameters)
    {
        var manifests = new List<ScheduleManifest>();
        foreach (var scope in ScheduleErrors.Scopes(null))
        {
            try { manifests.AddRange(ScheduleManifest.All(SchedulePaths.For(scope))); }
            catch (Exception) { }   // a scope this user cannot read offers nothing
        }
        return manifests.GroupBy(m => m.Name).ToDictionary(g => g.Key, g => $"{g.Key}: pool {g.First().Pool}, every {g.First().Every}");
    }
}
