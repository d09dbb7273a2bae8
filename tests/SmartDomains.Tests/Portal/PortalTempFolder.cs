namespace SmartDomains.Tests.Portal;

/// <summary>A folder of its own for one test, removed after it.</summary>
internal sealed class PortalTempFolder : IDisposable
{
    public PortalTempFolder()
    {
        Path = System.IO.Path.Combine(System.IO.Path.GetTempPath(), "sd-portal-" + Guid.NewGuid().ToString("N")[..12]);
        Directory.CreateDirectory(Path);
    }

    public string Path { get; }

    public string Write(string relative, string text)
    {
        var full = System.IO.Path.Combine(Path, relative);
        Directory.CreateDirectory(System.IO.Path.GetDirectoryName(full)!);
        File.WriteAllText(full, text);
        return full;
    }

    public void Dispose()
    {
        try { Directory.Delete(Path, recursive: true); }
        catch (IOException) { }
    }
}
