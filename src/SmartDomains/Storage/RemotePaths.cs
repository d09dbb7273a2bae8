using System.Globalization;
using SmartDomains.HostScripts;
using SmartDomains.Hosts;
using SmartDomains.Remote;
using SmartDomains.State;

namespace SmartDomains.Storage;

/// <summary>What is at a path on a host: absent, or present with its size and whether it is a directory.</summary>
public sealed record PathStat(bool Exists, long Size, bool IsDirectory);

/// <summary>
/// A host's journal and the stat of some paths, read together earlier (a HostSnapshot): lets a start skip a stat round trip
/// per disk. Good for one first attempt only: after anything was changed or retried, look again.
/// </summary>
public sealed record KnownPaths(JournalState Journal, IReadOnlyDictionary<string, PathStat> Paths);

/// <summary>The one remote stat (path-stat.sh) and its one parser.</summary>
public static class RemotePaths
{
    public static RemoteCommand StatCommand(params string[] paths) => RemoteCommand.Script(Scripts.PathStat, paths);

    public static async Task<PathStat[]> StatAsync(HostConnection host, string errorId, CancellationToken ct, params string[] paths)
    {
        var result = await host.RunAsync(StatCommand(paths), ct).ConfigureAwait(false);
        return Parse(host, errorId, result, result.StdOut.Split('\n', StringSplitOptions.RemoveEmptyEntries), paths);
    }

    /// <summary>The journal and the paths' stat in one round trip: stat's lines come first, one per path, then the journal.</summary>
    public static async Task<(JournalState State, PathStat[] Stat)> StatWithJournalAsync(HostConnection host, HostJournal journal, string errorId,
        CancellationToken ct, params string[] paths)
    {
        var result = await host.RunAsync(RemoteCommand.All(StatCommand(paths), journal.ReadCommand), ct).ConfigureAwait(false);
        var lines = result.StdOut.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        if (!result.Succeeded && lines.Length >= paths.Length) throw journal.ReadFailed(result);
        var stat = Parse(host, errorId, result, lines.Take(paths.Length).ToArray(), paths);
        return (new JournalState(HostJournal.Parse(lines.Skip(paths.Length))), stat);
    }

    /// <summary>The stat lines of <paramref name="paths"/> (distinct) read as part of a longer command, by path.</summary>
    internal static Dictionary<string, PathStat> ParseStat(HostConnection host, string errorId, CommandResult result, string[] lines, string[] paths)
    {
        var stat = Parse(host, errorId, result, lines.Where(l => l.Length > 0).ToArray(), paths);
        return paths.Select((p, i) => (p, stat[i])).ToDictionary(x => x.p, x => x.Item2, StringComparer.Ordinal);
    }

    private static PathStat[] Parse(HostConnection host, string errorId, CommandResult result, string[] lines, string[] paths)
    {
        if (!result.Succeeded || lines.Length != paths.Length)
            throw new XenHostException(errorId, XenErrorCategory.ReadError, host.Name,
                $"Could not look at {string.Join(", ", paths)} on {host.Name}: {result.StdErr.Trim()}");
        return lines.Select(l =>
        {
            var f = l.Split(' ');
            return f[0] == "1"
                ? new PathStat(true, long.Parse(f[1], CultureInfo.InvariantCulture), f.Length > 2 && f[2] == "d")
                : new PathStat(false, 0, false);
        }).ToArray();
    }
}
