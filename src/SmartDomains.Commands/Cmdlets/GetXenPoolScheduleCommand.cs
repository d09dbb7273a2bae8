using System.Management.Automation;
using SmartDomains.Commands.Completers;
using SmartDomains.Schedules;

namespace SmartDomains.Commands.Cmdlets;

/// <summary>Lists the schedules Register-XenPoolSchedule installed, with the result of each one's last pass.</summary>
[Cmdlet(VerbsCommon.Get, "XenPoolSchedule")]
[OutputType(typeof(XenPoolSchedule))]
public sealed class GetXenPoolScheduleCommand : XenCmdlet
{
    [Parameter(Position = 0, ValueFromPipelineByPropertyName = true)]
    [SupportsWildcards]
    [ValidateNotNullOrEmpty]
    [ArgumentCompleter(typeof(ScheduleNameCompleter))]
    public string[] Name { get; set; } = new[] { "*" };

    [Parameter]
    public ScheduleScope? Scope { get; set; }

    protected override void ProcessRecord()
    {
        var installer = new ScheduleInstaller(ProcessSchedulerHost.Instance);
        var all = new List<ScheduleManifest>();
        foreach (var scope in ScheduleErrors.Scopes(Scope))
        {
            try { all.AddRange(ScheduleManifest.All(SchedulePaths.For(scope))); }
            catch (ScheduleException ex) { WriteError(ScheduleErrors.Record(ex, scope)); }
            catch (UnauthorizedAccessException ex) { WriteVerbose($"The {scope} schedules are not readable here: {ex.Message}"); }
        }
        foreach (var pattern in Name)
        {
            var wildcard = WildcardPattern.Get(pattern, WildcardOptions.IgnoreCase);
            var matches = all.Where(m => wildcard.IsMatch(m.Name)).ToArray();
            if (matches.Length == 0 && !WildcardPattern.ContainsWildcardCharacters(pattern))
                WriteError(ScheduleErrors.Record(ScheduleErrors.NotFound(pattern), pattern));
            foreach (var m in matches) WriteObject(XenPoolSchedule.From(m, installer.NextRun(m)));
        }
    }
}
