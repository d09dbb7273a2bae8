using System.Management.Automation;
using SmartDomains.Commands.Session;

namespace SmartDomains.Commands;

/// <summary>
/// Import hooks the module's load context in (see <see cref="ModuleLoadContext"/>); removal closes every SSH connection, so
/// no socket outlives the module, and unhooks it once the last import is gone.
/// </summary>
public sealed class ModuleLifecycle : IModuleAssemblyInitializer, IModuleAssemblyCleanup
{
    public void OnImport() => ModuleLoadContext.Attach();

    public void OnRemove(PSModuleInfo psModuleInfo)
    {
        PortalRegistry.StopAll();
        RunspaceHostCache.CloseAll();
        ModuleLoadContext.Detach();
    }
}
