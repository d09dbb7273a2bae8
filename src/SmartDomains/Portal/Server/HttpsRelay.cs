using System.Net;
using System.Net.Security;
using System.Net.Sockets;
using System.Security.Cryptography.X509Certificates;
using System.Text;

namespace SmartDomains.Portal.Server;

/// <summary>
/// HTTPS in front of the loopback HttpListener (whose own HTTPS .NET does not implement off Windows): TLS ends here, on the
/// address the operator chose, and each request goes on to the listener over loopback. The relay reads only the request's
/// head: it puts the listener's own Host in (HttpListener answers only to its prefix), passes the client's Host on in
/// <see cref="ForwardedHostHeader"/> with a secret the server checks (<see cref="SecretHeader"/>), asks for Connection: close
/// (so one connection carries one request and the relay never has to find where a request ends), and then copies bytes
/// both ways until either side closes.
/// </summary>
public sealed class HttpsRelay : IDisposable
{
    public const string ForwardedHostHeader = "X-SmartDomains-Forwarded-Host";
    public const string SecretHeader = "X-SmartDomains-Relay";
    private const int MaxHeadBytes = 64 * 1024;
    private static readonly TimeSpan HandshakeTimeout = TimeSpan.FromSeconds(15);
    private static readonly HashSet<string> Replaced = new(StringComparer.OrdinalIgnoreCase)
    {
        "Host", "Connection", "Keep-Alive", "Proxy-Connection", "Upgrade", ForwardedHostHeader, SecretHeader,
    };

    private readonly TcpListener _listener;
    private readonly X509Certificate2 _certificate;
    private readonly IPEndPoint _backend;
    private readonly string _secret;
    private readonly Action<string> _error;
    private readonly CancellationTokenSource _stop = new();
    private Task _accepting = Task.CompletedTask;

    /// <param name="error">Told, in words, about a connection that failed for a reason other than the client leaving.</param>
    public HttpsRelay(IPAddress address, int port, X509Certificate2 certificate, IPEndPoint backend, string secret, Action<string> error)
    {
        if (!certificate.HasPrivateKey)
            throw new ArgumentException($"The certificate '{certificate.Subject}' has no private key, so it cannot serve HTTPS.", nameof(certificate));
        _listener = new TcpListener(address, port);
        _certificate = certificate;
        _backend = backend;
        _secret = secret;
        _error = error;
    }

    public int Port => ((IPEndPoint)_listener.LocalEndpoint).Port;

    public void Start()
    {
        _listener.Start();
        _accepting = AcceptLoopAsync();
    }

    private async Task AcceptLoopAsync()
    {
        while (!_stop.IsCancellationRequested)
        {
            TcpClient client;
            try { client = await _listener.AcceptTcpClientAsync(_stop.Token).ConfigureAwait(false); }
            catch (Exception) when (_stop.IsCancellationRequested) { return; }
            catch (SocketException) { continue; }
            _ = Task.Run(() => RelayAsync(client));
        }
    }

    private async Task RelayAsync(TcpClient client)
    {
        using var _ = client;
        try
        {
            await using var tls = new SslStream(client.GetStream(), leaveInnerStreamOpen: false);
            using (var handshake = CancellationTokenSource.CreateLinkedTokenSource(_stop.Token))
            {
                handshake.CancelAfter(HandshakeTimeout);
                await tls.AuthenticateAsServerAsync(new SslServerAuthenticationOptions { ServerCertificate = _certificate }, handshake.Token)
                    .ConfigureAwait(false);
            }
            var (head, rest) = await ReadHeadAsync(tls).ConfigureAwait(false);
            if (head is null)
            {
                await tls.WriteAsync(Encoding.ASCII.GetBytes("HTTP/1.1 431 Request Header Fields Too Large\r\nConnection: close\r\nContent-Length: 0\r\n\r\n"))
                    .ConfigureAwait(false);
                return;
            }
            using var backend = new TcpClient();
            await backend.ConnectAsync(_backend, _stop.Token).ConfigureAwait(false);
            var upstream = backend.GetStream();
            await upstream.WriteAsync(Rewrite(head), _stop.Token).ConfigureAwait(false);
            await upstream.WriteAsync(rest, _stop.Token).ConfigureAwait(false);
            // The response ends the exchange: the listener closes after it (Connection: close), and so does the relay.
            var toClient = upstream.CopyToAsync(tls, _stop.Token);
            var toBackend = tls.CopyToAsync(upstream, _stop.Token);
            await Task.WhenAny(toClient, toBackend).ConfigureAwait(false);
            await toClient.WaitAsync(TimeSpan.FromSeconds(5)).ConfigureAwait(false);
        }
        catch (Exception ex) when (IsClientGone(ex)) { }
        catch (Exception ex)
        {
            _error($"An HTTPS connection from {client.Client.RemoteEndPoint} failed: {ex.Message}");
        }
    }

    // A client that leaves (or never finishes its TLS handshake) is not the server's failure.
    private bool IsClientGone(Exception ex) =>
        _stop.IsCancellationRequested || ex is IOException or SocketException or OperationCanceledException or TimeoutException
            or System.Security.Authentication.AuthenticationException or ObjectDisposedException;

    /// <summary>The request's head (request line and headers, without the blank line) and whatever came after it; null head when too long.</summary>
    private static async Task<(string? Head, byte[] Body)> ReadHeadAsync(Stream stream)
    {
        var buffer = new byte[MaxHeadBytes];
        var filled = 0;
        while (filled < buffer.Length)
        {
            var read = await stream.ReadAsync(buffer.AsMemory(filled)).ConfigureAwait(false);
            if (read == 0) throw new IOException("the client closed the connection before its request was complete");
            filled += read;
            var end = buffer.AsSpan(0, filled).IndexOf("\r\n\r\n"u8);
            if (end >= 0) return (Encoding.Latin1.GetString(buffer, 0, end), buffer[(end + 4)..filled]);
        }
        return (null, Array.Empty<byte>());
    }

    private byte[] Rewrite(string head)
    {
        var lines = head.Split("\r\n");
        var text = new StringBuilder(lines[0]).Append("\r\n");
        string? host = null;
        foreach (var line in lines.Skip(1))
        {
            var colon = line.IndexOf(':');
            var name = colon < 0 ? line : line[..colon].Trim();
            if (name.Equals("Host", StringComparison.OrdinalIgnoreCase)) host ??= line[(colon + 1)..].Trim();
            if (!Replaced.Contains(name)) text.Append(line).Append("\r\n");
        }
        text.Append("Host: ").Append(_backend).Append("\r\n");
        if (host is not null) text.Append(ForwardedHostHeader).Append(": ").Append(host).Append("\r\n");
        text.Append(SecretHeader).Append(": ").Append(_secret).Append("\r\n");
        text.Append("Connection: close\r\n\r\n");
        return Encoding.Latin1.GetBytes(text.ToString());
    }

    public void Dispose()
    {
        _stop.Cancel();
        _listener.Stop();
        try { _accepting.Wait(TimeSpan.FromSeconds(5)); }
        catch (AggregateException) { }
        _stop.Dispose();
    }
}
