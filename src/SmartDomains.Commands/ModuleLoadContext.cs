using System.Reflection;
using System.Runtime.Loader;

namespace SmartDomains.Commands;

/// <summary>
/// The module's own AssemblyLoadContext. SmartDomains.Ssh and all it pulls in (SSH.NET, BouncyCastle, Microsoft.Extensions.*)
/// load here from the module's dependencies/ folder, so a session that already holds another version of any of them (another
/// module's) neither breaks the module nor is broken by it. The cmdlets, the core and what PowerShell ships (Newtonsoft.Json,
/// System.*) stay in the default context, so PowerShell binds, formats and resolves type literals against one copy of each
/// module type.
/// </summary>
internal sealed class ModuleLoadContext : AssemblyLoadContext
{
    /// <summary>The one assembly the default context is handed from here; no other module ships an assembly of this name.</summary>
    private const string EntryAssembly = "SmartDomains.Ssh";

    private static readonly Lazy<ModuleLoadContext> Instance = new(() => new ModuleLoadContext(DependencyDir));
    private static readonly object Gate = new();
    private static int _imports;

    private readonly string _dir;

    private ModuleLoadContext(string dir) : base("SmartDomains", isCollectible: false) => _dir = dir;

    /// <summary>Where the build puts this context's assemblies; the default context never probes a module's subfolder.</summary>
    public static string DependencyDir => Path.Combine(ModulePaths.ModuleDir, "dependencies");

    /// <summary>Counted, because every runspace that imports the module calls it and each removal undoes one.</summary>
    public static void Attach()
    {
        lock (Gate)
            if (_imports++ == 0) Default.Resolving += ResolveEntry;
    }

    public static void Detach()
    {
        lock (Gate)
            if (_imports > 0 && --_imports == 0) Default.Resolving -= ResolveEntry;
    }

    // Raised only after the default context found nothing: the core asking for the SSH transport by name.
    private static Assembly? ResolveEntry(AssemblyLoadContext context, AssemblyName name) =>
        name.Name == EntryAssembly ? Instance.Value.LoadOwn(name) : null;

    // Null hands the request to the default context: the core and Newtonsoft.Json (so the transport shares their types) and
    // the framework.
    protected override Assembly? Load(AssemblyName name) => LoadOwn(name);

    private Assembly? LoadOwn(AssemblyName name)
    {
        var path = Path.Combine(_dir, name.Name + ".dll");
        return File.Exists(path) ? LoadFromAssemblyPath(path) : null;
    }
}
