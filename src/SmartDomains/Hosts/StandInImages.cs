using SmartDomains.Storage;

namespace SmartDomains.Hosts;

/// <summary>
/// The image repository an emulated host uses when none is given: small stand-ins for the base images the shipped templates
/// clone from (module/Templates/os-families.json), made here at first use rather than kept as binaries. An emulated guest
/// never reads its disk, so a stand-in only has to exist, hash the same every time and be cheap to copy.
/// </summary>
public static class StandInImages
{
    /// <summary>The base images the shipped templates name in "from" (a test keeps this list and the templates in step).</summary>
    public static IReadOnlyList<string> Names { get; } = new[] { "debian-12", "fedora-40", "slc-6" };

    /// <summary>How big each stand-in is: 1 MiB, a small label and zeros (sparse where the file system allows).</summary>
    public const long SizeBytes = 1024 * 1024;

    /// <summary>The stand-in repository under an emulator root: ROOT/base-images.</summary>
    public static string DirectoryUnder(string emulatorRoot) => Path.Combine(Path.GetFullPath(emulatorRoot), "base-images");

    /// <summary>The repository of the stand-ins in <paramref name="directory"/>, making any that are missing.</summary>
    public static ImageRepository Ensure(string directory)
    {
        Directory.CreateDirectory(directory);
        foreach (var name in Names)
        {
            var path = Path.Combine(directory, name + ".img");
            if (File.Exists(path)) continue;
            // Written aside and moved into place, so a second session making the same stand-in at once never sees half of it.
            var temp = $"{path}.{Environment.ProcessId}.{Guid.NewGuid():N}.tmp";
            using (var file = new FileStream(temp, FileMode.CreateNew, FileAccess.Write))
            {
                var label = System.Text.Encoding.ASCII.GetBytes($"SmartDomains stand-in base image {name} for emulated hosts\n");
                file.Write(label);
                file.SetLength(SizeBytes);
            }
            try { File.Move(temp, path, overwrite: false); }
            catch (IOException) when (File.Exists(path)) { File.Delete(temp); }
        }
        return new ImageRepository(directory);
    }

    /// <summary>The repository a host uses when none was given: its stand-ins if it is emulated, else none (a real host needs one).</summary>
    public static ImageRepository? DefaultFor(HostConnectionInfo host) =>
        host.Kind == HostKind.Emulator && host.DefaultImages is { } directory ? Ensure(directory) : null;
}
