using System.Net.Sockets;
using System.Text;

namespace SmartDomains.Tests.Portal;

/// <summary>
/// Requests written byte for byte, so a hostile target reaches the server as written (HttpClient's Uri folds "..", "%2e"
/// and backslashes away before sending).
/// </summary>
internal static class RawHttp
{
    public sealed record Answer(int Status, string Head, string Body);

    public static async Task<Answer> SendAsync(int port, string method, string target, string? host = null,
        IEnumerable<string>? headers = null, string? body = null)
    {
        using var client = new TcpClient();
        await client.ConnectAsync("127.0.0.1", port);
        var stream = client.GetStream();
        var text = new StringBuilder($"{method} {target} HTTP/1.1\r\nHost: {host ?? $"127.0.0.1:{port}"}\r\nConnection: close\r\n");
        foreach (var header in headers ?? Array.Empty<string>()) text.Append(header).Append("\r\n");
        var bytes = body is null ? Array.Empty<byte>() : Encoding.UTF8.GetBytes(body);
        if (body is not null) text.Append($"Content-Type: application/json\r\nContent-Length: {bytes.Length}\r\n");
        text.Append("\r\n");
        await stream.WriteAsync(Encoding.Latin1.GetBytes(text.ToString()));
        await stream.WriteAsync(bytes);
        var answer = Encoding.UTF8.GetString(await ReadToEndAsync(stream));
        var split = answer.IndexOf("\r\n\r\n", StringComparison.Ordinal);
        var head = split < 0 ? answer : answer[..split];
        return new Answer(int.Parse(head.Split(' ')[1]), head, split < 0 ? "" : Dechunk(head, answer[(split + 4)..]));
    }

    private static async Task<byte[]> ReadToEndAsync(Stream stream)
    {
        using var memory = new MemoryStream();
        await stream.CopyToAsync(memory);
        return memory.ToArray();
    }

    private static string Dechunk(string head, string body)
    {
        if (!head.Contains("Transfer-Encoding: chunked", StringComparison.OrdinalIgnoreCase)) return body;
        var result = new StringBuilder();
        var at = 0;
        while (true)
        {
            var lineEnd = body.IndexOf("\r\n", at, StringComparison.Ordinal);
            var size = Convert.ToInt32(body[at..lineEnd].Split(';')[0], 16);
            if (size == 0) return result.ToString();
            result.Append(body, lineEnd + 2, size);
            at = lineEnd + 2 + size + 2;
        }
    }
}
