using System.Management.Automation;
using SmartDomains.Commands.Completers;
using SmartDomains.Schedules;

namespace SmartDomains.Commands.Cmdlets;

/// <summary>Stops a schedule and removes exactly what Register-XenPoolSchedule wrote for it, as its manifest lists.</summary>
[Cmdlet(VerbsLifecycle.Unregister, "XenPoolSchedule", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.Medium)]
[OutputType(typeof(XenPoolSchedule))]
public sealed class UnregisterXenPoolScheduleCommand : XenCmdlet
{
    [Parameter(Mandatory = true, Position = 0, ValueFromPipelineByPropertyName = true)]
    [ValidateNotNullOrEmpty]
    [ArgumentCompleter(typeof(ScheduleNameCompleter))]
    public string[] Name { get; set; } = Array.Empty<string>();

    [Parameter(ValueFromPipelineByPropertyName = true)]
    public ScheduleScope? Scope { get; set; }

    [Parameter]
    public SwitchParameter PassThru { get; set; }

    protected override void ProcessRecord()
    {
        var installer = new ScheduleInstaller(ProcessSchedulerHost.Instance);
        foreach (var name in Name)
        {
            try
            {
                var found = ScheduleErrors.Scopes(Scope).Select(s => (Paths: SchedulePaths.For(s), Scope: s))
                    .Select(p => (p.Paths, Manifest: ScheduleManifest.Load(p.Paths, ScheduleValues.Name("-Name", name))))
                    .FirstOrDefault(p => p.Manifest is not null);
                if (found.Manifest is not { } m) throw ScheduleErrors.NotFound(name);
                var what = string.Join("\n", m.Files.Append(found.Paths.Manifest(m.Name)).Select(f => "remove " + f)
                    .Concat(m.CrontabLines.Select(l => "remove crontab line: " + l))
                    .Prepend(m.Unit is null ? "" : $"stop and disable {m.Unit}").Where(l => l.Length > 0));
                if (!ShouldChange($"schedule {m.Name} ({m.Kind}, {m.Scope})", "Unregister:\n" + what, false)) continue;
                var removed = XenPoolSchedule.From(m);
                foreach (var p in installer.Uninstall(m, found.Paths)) WriteWarning($"Schedule {m.Name}: {p}");
                if (PassThru) WriteObject(removed);
            }
            catch (ScheduleException ex) { WriteError(ScheduleErrors.Record(ex, name)); }
        }
    }
}
