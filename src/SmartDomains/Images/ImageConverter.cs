using System.Diagnostics;
using Newtonsoft.Json.Linq;
using SmartDomains.HostScripts;
using SmartDomains.Hosts;
using SmartDomains.Lifecycle;
using SmartDomains.Remote;
using SmartDomains.State;

namespace SmartDomains.Images;

/// <summary>The result of Convert-XenImage: a new disk image file on a host, journaled as the module's.</summary>
public sealed record ConvertedImage(string Host, string Source, string Destination, string Format, long SizeBytes, TimeSpan Duration);

/// <summary>Converts disk images between raw and qcow2 on a host with qemu-img. The output is journaled before it is made.</summary>
public static class ImageConverter
{
    public static readonly string[] Formats = { "raw", "qcow2" };

    public static string DefaultDestination(string source, string format)
    {
        var slash = source.LastIndexOf('/');
        var dot = source.LastIndexOf('.');
        var stem = dot > slash + 1 ? source[..dot] : source;
        var target = stem + (format == "qcow2" ? ".qcow2" : ".img");
        return target == source ? stem + "-converted" + (format == "qcow2" ? ".qcow2" : ".img") : target;
    }

    public static RemoteCommand Command(string source, string destination, string format) =>
        RemoteCommand.Script(Scripts.ImageConvert, "convert", source, destination, format);

    public static async Task<ConvertedImage> ConvertAsync(HostConnection host, string source, string format, string? destination, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(host);
        if (!Formats.Contains(format))
            throw new XenHostException(XenErrorIds.ImageInvalid, XenErrorCategory.InvalidArgument, host.Name, $"-Format must be raw or qcow2, not '{format}'.");
        destination ??= DefaultDestination(source, format);
        foreach (var p in new[] { source, destination })
            if (!p.StartsWith('/') || p.Split('/').Contains(".."))
                throw new XenHostException(XenErrorIds.ImageInvalid, XenErrorCategory.InvalidArgument, host.Name, $"'{p}' is not an absolute path without '..'.");
        var watch = Stopwatch.StartNew();
        // The tools and targets first, so a missing qemu-img leaves not even a journal line.
        var check = await host.RunAsync(RemoteCommand.Script(Scripts.ImageConvert, "check", source, destination, format), ct).ConfigureAwait(false);
        if (!check.Succeeded) throw ImageSaver.ScriptFailure(check, XenErrorIds.ImageConvertFailed, $"Converting {source} on {host.Name} is not possible");
        var journal = new HostJournal(host);
        var state = await journal.ReadStateAsync(ct).ConfigureAwait(false);
        var sourceRecord = state.Find(ResourceKinds.Image, source);
        var data = new JObject { ["method"] = "qemu-img-convert", ["format"] = format, ["source"] = source };
        var step = new JournaledStep { Kind = ResourceKinds.Image, Resource = destination, Domain = sourceRecord?.Domain, Pool = sourceRecord?.Pool };
        var line = RemoteCommand.All(
            journal.AppendCommand(JournalEntry.Of(JournalOp.Begin, ResourceKinds.Image, destination, step.Domain, step.Pool, data)),
            Command(source, destination, format),
            journal.AppendCommand(JournalEntry.Of(JournalOp.Done, ResourceKinds.Image, destination, step.Domain, step.Pool, data)));
        var result = await host.RunAsync(line, ct).ConfigureAwait(false);
        if (!result.Succeeded)
        {
            // The script removed its half-written output; the journal says so.
            await host.RunAsync(RemoteCommand.All(
                journal.AppendCommand(JournalEntry.Of(JournalOp.Failed, ResourceKinds.Image, destination, step.Domain, step.Pool)),
                journal.AppendCommand(JournalEntry.Of(JournalOp.Undone, ResourceKinds.Image, destination, step.Domain, step.Pool))), CancellationToken.None).ConfigureAwait(false);
            throw ImageSaver.ScriptFailure(result, XenErrorIds.ImageConvertFailed, $"qemu-img convert of {source} on {host.Name} failed");
        }
        var size = await host.RunAsync(RemoteCommand.Of("stat", "-c", "%s", destination), ct).ConfigureAwait(false);
        return new ConvertedImage(host.Name, source, destination, format, long.TryParse(size.StdOut.Trim(), out var s) ? s : -1, watch.Elapsed);
    }
}
