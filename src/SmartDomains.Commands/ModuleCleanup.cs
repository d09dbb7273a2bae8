using System.Management.Automation;
using SmartDomains.Commands.Session;

namespace SmartDomains.Commands;

/// <summary>Closes every SSH connection when the module is removed, so no socket outlives it.</summary>
public sealed class ModuleCleanup : IModuleAssemblyCleanup
{
    public void OnRemove(PSModuleInfo psModuleInfo) => RunspaceHostCache.CloseAll();
}
