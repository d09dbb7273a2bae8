using System.Text;

namespace SmartDomains.Portal.Server;

/// <summary>
/// A run's log as Server-Sent Events: what is logged after the client's Last-Event-ID (or ?after=), then each record as it
/// comes, then an "end" event with the run's state. A comment line every <see cref="KeepAlive"/> finds a client that left
/// (a closed tab) while the run is quiet; its write fails, and only this stream ends.
/// </summary>
internal static class RunEventStream
{
    public static readonly TimeSpan KeepAlive = TimeSpan.FromSeconds(15);

    public static async Task WriteAsync(PortalExchange exchange, PortalRun run, int after, CancellationToken cancellation)
    {
        var response = exchange.Response;
        exchange.Started = true;
        response.StatusCode = 200;
        response.ContentType = "text/event-stream; charset=utf-8";
        response.SendChunked = true;
        var output = response.OutputStream;
        await Send(output, "retry: 2000\n\n", cancellation).ConfigureAwait(false);
        while (true)
        {
            var (entries, finished, changed) = run.ReadFrom(after);
            foreach (var entry in entries)
            {
                await Send(output, Format(entry), cancellation).ConfigureAwait(false);
                after = entry.Seq;
            }
            if (finished && entries.Count == 0)
            {
                await Send(output, $"event: end\ndata: {PortalJson.Serialize(run.Summary())}\n\n", cancellation).ConfigureAwait(false);
                return;
            }
            if (entries.Count > 0) continue;
            var woke = await Task.WhenAny(changed, Task.Delay(KeepAlive, cancellation)).ConfigureAwait(false);
            cancellation.ThrowIfCancellationRequested();
            if (woke != changed) await Send(output, ": keep-alive\n\n", cancellation).ConfigureAwait(false);
        }
    }

    public static string Format(PortalRunLogEntry entry) =>
        $"id: {entry.Seq}\nevent: {entry.Event.Kind}\ndata: {PortalJson.Serialize(Describe(entry))}\n\n";

    public static object Describe(PortalRunLogEntry entry) => new
    {
        entry.Seq, entry.Time, entry.Event.Kind, entry.Event.Text, entry.Event.Host, entry.Event.Domain, entry.Event.Data,
    };

    private static async Task Send(Stream output, string text, CancellationToken cancellation)
    {
        await output.WriteAsync(Encoding.UTF8.GetBytes(text), cancellation).ConfigureAwait(false);
        await output.FlushAsync(cancellation).ConfigureAwait(false);
    }
}
