using SmartDomains.HostScripts;
using SmartDomains.Hosts;
using SmartDomains.Remote;

namespace SmartDomains.Images;

/// <summary>
/// A save into a local repository: image-stream.sh writes the archive into the channel and it lands in NAME.partial/ as
/// archive.incoming, hashed as it arrives. Only once the script has exited 0, its report lists every member, and the host's
/// size and SHA256 of the stream are those of what arrived, does the file get its archive name. Whatever fails before that
/// leaves a .partial directory, which no listing takes for an image (and the save removes).
/// </summary>
internal static class ArchiveReceiver
{
    public const string IncomingFile = "archive.incoming";
    /// <summary>What starts each line of image-stream.sh's report on stderr (stdout is the archive).</summary>
    public const string ReportPrefix = "smartdomains-report: ";

    /// <summary>image-stream.sh for the save's temp dir, the image name and its member pairs (name, path).</summary>
    public static RemoteCommand Command(string temp, string name, IEnumerable<string> memberPairs) =>
        RemoteCommand.Script(Scripts.ImageStream, new[] { temp, name }.Concat(memberPairs).ToArray());

    public static async Task<ImageSaver.ArchiveOutput> ReceiveAsync(HostConnection host, RemoteCommand stream, string domain, string partialDir,
        IReadOnlyList<string> disks, string memory, IProgress<long>? bytes, CancellationToken ct)
    {
        if (Directory.Exists(partialDir)) Directory.Delete(partialDir, true);
        Directory.CreateDirectory(partialDir);
        var incoming = Path.Combine(partialDir, IncomingFile);
        CommandResult result;
        string sha;
        long received;
        try
        {
            await using var file = new FileStream(incoming, FileMode.CreateNew, FileAccess.Write, FileShare.None, 1 << 20, useAsync: true);
            await using var hashing = new HashingStream(file);
            result = await host.RunStreamingAsync(stream, hashing, bytes, ct).ConfigureAwait(false);
            await file.FlushAsync(ct).ConfigureAwait(false);
            (sha, received) = (hashing.Sha256Hex(), hashing.Written);
        }
        catch (IOException e)
        {
            throw new XenHostException(e.Message.Contains("No space left", StringComparison.Ordinal) ? XenErrorIds.StorageNoSpace : XenErrorIds.ImageSaveFailed,
                XenErrorCategory.WriteError, host.Name, $"Writing the archive of {domain} from {host.Name} into {incoming} failed: {e.Message}", e);
        }
        var (report, diagnostics) = Split(result.StdErr);
        if (!result.Succeeded)
            throw ImageSaver.ScriptFailure(new CommandResult { Host = result.Host, CommandLine = result.CommandLine, ExitCode = result.ExitCode, StdErr = diagnostics, Duration = result.Duration },
                XenErrorIds.ImageSaveFailed, $"Streaming the archive of {domain} from {host.Name} ('{ImageSaver.Short(result.CommandLine)}') failed");
        var parsed = ImageSaver.ParseArchiveOutput(report, disks, memory);
        if (parsed.ArchiveSha256 != sha || parsed.ArchiveBytes != received)
            throw new XenHostException(XenErrorIds.ImageCorrupt, XenErrorCategory.InvalidData, host.Name,
                $"The archive of {domain} arrived with sha256 {sha} ({received} bytes); {host.Name} sent {parsed.ArchiveSha256} ({parsed.ArchiveBytes} bytes). Nothing was kept; save again.");
        File.Move(incoming, Path.Combine(partialDir, parsed.ArchiveFile));
        return parsed;
    }

    /// <summary>The report lines (prefix removed) and everything else the script and its tools wrote on stderr.</summary>
    internal static (string Report, string Diagnostics) Split(string stderr)
    {
        var lines = stderr.Split('\n');
        var report = lines.Where(l => l.StartsWith(ReportPrefix, StringComparison.Ordinal)).Select(l => l[ReportPrefix.Length..]);
        var rest = lines.Where(l => !l.StartsWith(ReportPrefix, StringComparison.Ordinal));
        return (string.Join('\n', report), string.Join('\n', rest));
    }
}
