using SmartDomains.HostScripts;
using SmartDomains.Hosts;

namespace SmartDomains.Remote;

/// <summary>The last lines of several small host files (configs, xl monitor logs) in one round trip (files-tail.sh).</summary>
public static class RemoteFiles
{
    private const string Marker = "@@smartdomains-file";

    public static RemoteCommand TailCommand(int lines, IReadOnlyList<string> paths) =>
        RemoteCommand.Script(Scripts.FilesTail, new[] { lines.ToString(System.Globalization.CultureInfo.InvariantCulture), Marker }.Concat(paths).ToArray());

    /// <summary>Each file's text in the order asked, null for one that is not there.</summary>
    public static IReadOnlyList<string?> ParseTail(string stdout, int count)
    {
        var parts = ("\n" + stdout.TrimStart('\n')).Split("\n" + Marker + " ");
        var texts = parts.Skip(1).Select(p => p.StartsWith("1\n", StringComparison.Ordinal) ? p[2..] : p == "1" ? "" : null).ToList();
        if (texts.Count != count) throw new FormatException($"files-tail.sh reported {texts.Count} files of {count}");
        return texts;
    }

    public static async Task<IReadOnlyDictionary<string, string?>> TailAsync(HostConnection host, int lines, IReadOnlyList<string> paths, CancellationToken ct)
    {
        var result = new Dictionary<string, string?>(StringComparer.Ordinal);
        if (paths.Count == 0) return result;
        var command = TailCommand(lines, paths);
        var run = await host.RunAsync(command, ct).ConfigureAwait(false);
        IReadOnlyList<string?> texts;
        try
        {
            if (!run.Succeeded) throw new FormatException(run.StdErr.Trim());
            texts = ParseTail(run.StdOut, paths.Count);
        }
        catch (FormatException ex)
        {
            throw new XenHostException(XenErrorIds.HostCommandFailed, XenErrorCategory.ReadError, host.Name,
                $"Could not read {paths.Count} files on {host.Name} ({command.Display}): {ex.Message}");
        }
        for (var i = 0; i < paths.Count; i++) result[paths[i]] = texts[i];
        return result;
    }
}
