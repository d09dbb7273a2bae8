namespace SmartDomains.Tests.Portal;

/// <summary>A temporary folder for portal tests, and where a snippet sits in a file.</summary>
internal sealed class PortalScratch : IDisposable
{
    public string Root { get; } = Directory.CreateTempSubdirectory("sd-portal-").FullName;

    public void Dispose() => Directory.Delete(Root, true);

    /// <summary>Writes a file under the root (folders made as needed) and returns its full path.</summary>
    public string Write(string relative, string text)
    {
        var path = Path.Combine(Root, relative);
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        File.WriteAllText(path, text);
        return path;
    }

    /// <summary>The 1-based line of the first occurrence of <paramref name="snippet"/> in a file.</summary>
    public static int LineOf(string file, string snippet)
    {
        var lines = File.ReadAllLines(file);
        var index = Array.FindIndex(lines, l => l.Contains(snippet, StringComparison.Ordinal));
        if (index < 0) throw new InvalidOperationException($"'{snippet}' is not in {file}");
        return index + 1;
    }
}
