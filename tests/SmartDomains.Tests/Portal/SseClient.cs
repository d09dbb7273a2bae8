using System.Net.Sockets;
using System.Text;
using Newtonsoft.Json.Linq;

namespace SmartDomains.Tests.Portal;

/// <summary>Reads a Server-Sent Events stream event by event over a raw connection, which a test can drop at any point.</summary>
internal sealed class SseClient : IDisposable
{
    private readonly TcpClient _client;
    private readonly StreamReader _reader;

    private SseClient(TcpClient client, StreamReader reader)
    {
        _client = client;
        _reader = reader;
    }

    public static async Task<SseClient> OpenAsync(int port, string target, params string[] headers)
    {
        var client = new TcpClient();
        await client.ConnectAsync("127.0.0.1", port);
        var stream = client.GetStream();
        var request = $"GET {target} HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\n{string.Concat(headers.Select(h => h + "\r\n"))}\r\n";
        await stream.WriteAsync(Encoding.ASCII.GetBytes(request));
        var reader = new StreamReader(stream, Encoding.UTF8);
        var status = await reader.ReadLineAsync();
        if (status is null || !status.Contains(" 200 ")) throw new InvalidOperationException($"The stream answered: {status}");
        while (await reader.ReadLineAsync() is { Length: > 0 }) { }
        return new SseClient(client, reader);
    }

    /// <summary>The next event (comments and retry lines skipped); chunk-size lines are not SSE fields, so they fall through.</summary>
    public async Task<(string Kind, JObject Data)> NextAsync()
    {
        string? kind = null, data = null;
        while (await _reader.ReadLineAsync() is { } line)
        {
            if (line.StartsWith("event: ", StringComparison.Ordinal)) kind = line[7..];
            else if (line.StartsWith("data: ", StringComparison.Ordinal)) data = line[6..];
            else if (line.Length == 0 && kind is not null && data is not null) return (kind, JObject.Parse(data));
        }
        throw new EndOfStreamException("The event stream ended.");
    }

    public void Dispose()
    {
        _reader.Dispose();
        _client.Dispose();
    }
}
