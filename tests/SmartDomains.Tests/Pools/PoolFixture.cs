namespace SmartDomains.Tests.Pools;

/// <summary>Paths to the shipped templates (module/Templates in the source tree) and the sample pools.</summary>
internal static class PoolFixture
{
    public static string RepoRoot
    {
        get
        {
            var dir = new DirectoryInfo(AppContext.BaseDirectory);
            while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "SmartDomains.sln"))) dir = dir.Parent;
            return dir?.FullName ?? throw new InvalidOperationException("Cannot find the repository root.");
        }
    }

    public static string ShippedTemplates => Path.Combine(RepoRoot, "module", "Templates");
    public static string Samples => Path.Combine(AppContext.BaseDirectory, "Samples", "pools");
    public static string Sample(string name) => Path.Combine(Samples, name);

    public static SmartDomains.Pools.PoolLoader Loader(params string[] extra) => new(new[] { ShippedTemplates }.Concat(extra).ToArray());

    public static string Write(string dir, string name, string json)
    {
        var path = Path.Combine(dir, name);
        File.WriteAllText(path, json);
        return path;
    }
}
