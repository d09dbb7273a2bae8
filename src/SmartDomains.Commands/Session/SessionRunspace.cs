using System.Management.Automation;
using System.Management.Automation.Runspaces;
using SmartDomains.Hosts;

namespace SmartDomains.Commands.Session;

/// <summary>
/// A runspace beside the prompt for work that outlives one command line (jobs, the portal): this module imported, the
/// calling session's connections (its HostRegistry), current location and SmartDomains preferences. It has no host UI, so
/// nothing in it can prompt.
/// </summary>
internal static class SessionRunspace
{
    private static readonly string[] Preferences = { "SmartDomainsLogPath", "SmartDomainsImageRepository" };

    public static Runspace Open(PSCmdlet caller)
    {
        var state = InitialSessionState.CreateDefault2();
        state.ImportPSModule(new[] { Path.Combine(ModulePaths.ModuleDir, "SmartDomains.psd1") });
        foreach (var name in Preferences)
            if (caller.SessionState.PSVariable.GetValue(name) is { } value)
                state.Variables.Add(new SessionStateVariableEntry(name, value, "a SmartDomains preference of the session that started this"));
        var runspace = RunspaceFactory.CreateRunspace(state);
        runspace.Open();
        RunspaceHostCache.Share(runspace, XenCmdlet.Registry);
        runspace.SessionStateProxy.Path.SetLocation(WildcardPattern.Escape(caller.SessionState.Path.CurrentFileSystemLocation.Path));
        return runspace;
    }
}
