using System.Globalization;
using System.Text.RegularExpressions;
using SmartDomains.HostScripts;
using SmartDomains.Hosts;
using SmartDomains.Remote;

namespace SmartDomains.Storage;

/// <summary>How full a host's filesystem is, to say why a disk could not be made (df on the host).</summary>
internal static class DiskSpace
{
    private static readonly Regex DfLine = new(@"^(.*?)\s+(\d+)\s+(\d+)\s+(\d+)\s+\d+%\s+(.*)$", RegexOptions.Compiled);

    public static async Task<(long Total, long Free, string Mount)?> FreeAsync(HostConnection host, string dir, CancellationToken ct)
    {
        try
        {
            var r = await host.RunAsync(RemoteCommand.Script(Scripts.DiskFree, dir), ct).ConfigureAwait(false);
            var m = DfLine.Match(r.StdOut.Trim());
            if (!r.Succeeded || !m.Success) return null;
            return (long.Parse(m.Groups[2].Value, CultureInfo.InvariantCulture), long.Parse(m.Groups[4].Value, CultureInfo.InvariantCulture), m.Groups[5].Value);
        }
        catch (XenHostException)
        {
            return null;
        }
    }

    public static string Format(long bytes) =>
        bytes >= 1L << 30 ? $"{bytes / (double)(1L << 30):0.##} GiB"
        : bytes >= 1L << 20 ? $"{bytes / (double)(1L << 20):0.##} MiB"
        : bytes >= 1L << 10 ? $"{bytes / 1024.0:0.##} KiB" : $"{bytes} bytes";
}
