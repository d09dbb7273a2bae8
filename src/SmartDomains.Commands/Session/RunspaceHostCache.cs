using System.Management.Automation.Runspaces;
using System.Runtime.CompilerServices;
using SmartDomains.Hosts;

namespace SmartDomains.Commands.Session;

/// <summary>One host registry per runspace, so parallel runspaces never share (or race on) a connection.</summary>
internal static class RunspaceHostCache
{
    private static readonly ConditionalWeakTable<Runspace, HostRegistry> Registries = new();
    private static readonly HostRegistry NoRunspace = new();

    public static HostRegistry Current
    {
        get
        {
            var runspace = Runspace.DefaultRunspace;
            return runspace is null ? NoRunspace : Registries.GetValue(runspace, _ => new HostRegistry());
        }
    }

    /// <summary>Gives another runspace (a job's, the portal's) this registry: it then uses the same open connections.</summary>
    public static void Share(Runspace runspace, HostRegistry registry) => Registries.AddOrUpdate(runspace, registry);

    /// <summary>Closes every cached connection (module removal).</summary>
    public static void CloseAll()
    {
        foreach (var pair in Registries) pair.Value.Dispose();
        NoRunspace.Dispose();
    }
}
