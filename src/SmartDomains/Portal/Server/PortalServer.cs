using System.Net;
using System.Net.Sockets;

namespace SmartDomains.Portal.Server;

/// <summary>
/// The portal's web server: System.Net.HttpListener on loopback, its requests on background threads, so the session's prompt
/// never waits. With a certificate an <see cref="HttpsRelay"/> takes TLS on the chosen address and hands each request to the
/// listener. Every request passes the <see cref="RequestGuard"/>; then the API or the page's files answer. A request that
/// fails gets its status and the reason in words; the failures that are the server's own (not a refusal) are kept in
/// <see cref="Errors"/>. Nothing a client does (a bad request, a tab that closes mid-stream) stops the server.
/// </summary>
public sealed class PortalServer : IDisposable
{
    public const int MaxErrorsKept = 200;

    private readonly PortalOptions _options;
    private readonly HttpListener _listener;
    private readonly HttpsRelay? _relay;
    private readonly string _relaySecret = RequestGuard.NewToken();
    private readonly RequestGuard _guard;
    private readonly PortalApi _api;
    private readonly StaticFiles _static;
    private readonly PortalRuns _runs;
    private readonly CancellationTokenSource _stop = new();
    private readonly List<PortalError> _errors = new();
    private readonly Task _accepting;
    private long _requests;
    private long _refused;

    private PortalServer(PortalOptions options, IPortalSession session)
    {
        _options = options;
        if (!Directory.Exists(options.Folder))
            throw new PortalStartException(XenErrorIds.PortalPathNotFound, $"The folder '{options.Folder}' does not exist.");
        var secure = options.Certificate is not null;
        if (!secure && !IPAddress.IsLoopback(options.ListenAddress))
            throw new PortalStartException(XenErrorIds.PortalAddressRefused,
                $"The portal listens beyond loopback ({options.ListenAddress}) only over HTTPS: without -Certificate anyone on the network could read the token.",
                "Pass -Certificate (an X509Certificate2 with its private key), or leave -ListenAddress at 127.0.0.1.");

        // Without a certificate the listener is the public end; with one it waits on a loopback port of its own behind the relay.
        var (listener, listenerPort) = LoopbackListener.Open(secure ? IPAddress.Loopback : options.ListenAddress, secure ? 0 : options.Port);
        _listener = listener;
        var listenerAuthority = LoopbackListener.Authority(secure ? IPAddress.Loopback : options.ListenAddress, listenerPort);
        if (secure)
        {
            try
            {
                _relay = new HttpsRelay(options.ListenAddress, options.Port, options.Certificate!,
                    new IPEndPoint(IPAddress.Loopback, listenerPort), _relaySecret, message => Record("HTTPS", message));
                _relay.Start();
            }
            catch (Exception ex) when (ex is SocketException or ArgumentException)
            {
                _listener.Close();
                throw new PortalStartException(XenErrorIds.PortalStartFailed, $"HTTPS on {options.ListenAddress}:{options.Port} did not start: {ex.Message}", null, ex);
            }
        }
        Port = _relay?.Port ?? listenerPort;
        var publicHost = secure ? PublicNames.UrlHost(options.ListenAddress) : listenerAuthority[..listenerAuthority.LastIndexOf(':')];
        Token = RequestGuard.NewToken();
        Url = new Uri($"{(secure ? "https" : "http")}://{publicHost}:{Port}/?token={Token}");
        _guard = new RequestGuard(Token, $"smartdomains-portal-{Port}", secure ? "https" : "http",
            secure ? PublicNames.Hosts(options.ListenAddress, Port, options.Certificate!) : new[] { listenerAuthority });

        var files = new PortalFiles(new PortalPathResolver(options.Folder));
        _runs = new PortalRuns((run, message) => Record($"run {run.Id} ({run.Title})", message));
        _api = new PortalApi(options, session, files, new PortalRunApi(session, files, _runs), Status);
        _static = new StaticFiles(options.StaticDir);
        _accepting = Task.Run(AcceptLoopAsync);
    }

    /// <summary>Starts serving; throws <see cref="PortalStartException"/> when the options cannot be served.</summary>
    public static PortalServer Start(PortalOptions options, IPortalSession session) => new(options, session);

    /// <summary>The address to open, with the access token in it.</summary>
    public Uri Url { get; }
    public string Token { get; }
    public int Port { get; }
    public string Folder => _options.Folder;
    public IPAddress ListenAddress => _options.ListenAddress;
    public bool Secure => _relay is not null;
    public DateTimeOffset StartTime { get; } = DateTimeOffset.Now;
    public bool IsRunning => !_stop.IsCancellationRequested;
    public long Requests => Interlocked.Read(ref _requests);
    /// <summary>Requests turned away by the guard (no token, foreign Host, no custom header).</summary>
    public long Refused => Interlocked.Read(ref _refused);
    public IReadOnlyList<PortalRun> Runs => _runs.All;

    public IReadOnlyList<PortalError> Errors
    {
        get { lock (_errors) return _errors.ToArray(); }
    }

    /// <summary>Keeps an error of the server's own (the oldest go past <see cref="MaxErrorsKept"/>).</summary>
    public void Record(string source, string message)
    {
        lock (_errors)
        {
            _errors.Add(new PortalError(DateTimeOffset.Now, source, message));
            if (_errors.Count > MaxErrorsKept) _errors.RemoveAt(0);
        }
    }

    private object Status() => new
    {
        Url = Url.GetLeftPart(UriPartial.Path), Folder, Port, StartTime, Requests, Refused, Errors,
        Runs = _runs.All.Select(r => r.Summary()),
    };

    private async Task AcceptLoopAsync()
    {
        while (!_stop.IsCancellationRequested)
        {
            HttpListenerContext context;
            try { context = await _listener.GetContextAsync().ConfigureAwait(false); }
            catch (Exception) when (_stop.IsCancellationRequested || !_listener.IsListening) { return; }
            catch (HttpListenerException ex)
            {
                Record("listener", ex.Message);
                continue;
            }
            _ = Task.Run(() => HandleAsync(context));
        }
    }

    private async Task HandleAsync(HttpListenerContext context)
    {
        Interlocked.Increment(ref _requests);
        var request = context.Request;
        var where = $"{request.HttpMethod} {RequestTarget.Parse(request.RawUrl)?.RawPath ?? "(bad target)"}";
        PortalExchange? exchange = null;
        try
        {
            SecurityHeaders.Apply(context.Response);
            var target = RequestTarget.Parse(request.RawUrl) ?? throw new PortalHttpException(400, "The request target must be a path.");
            exchange = new PortalExchange(context, target);
            var decision = _guard.Check(GuardInputOf(request, target));
            if (!decision.Allowed)
            {
                Interlocked.Increment(ref _refused);
                throw new PortalHttpException(decision.Status, decision.Reason);
            }
            if (decision.TokenFromQuery) context.Response.AppendHeader("Set-Cookie", _guard.CookieHeader(Secure));
            if (!await _api.HandleAsync(exchange, _stop.Token).ConfigureAwait(false))
                await _static.ServeAsync(exchange, _stop.Token).ConfigureAwait(false);
        }
        catch (Exception ex) when (IsClientGone(ex)) { }
        catch (PortalHttpException ex) { await FailAsync(exchange, context, ex.Status, ex.Message, ex.Extra); }
        catch (PortalSessionException ex) { await FailAsync(exchange, context, 422, ex.Message, null); }
        catch (XenHostException ex) { await FailAsync(exchange, context, 422, ex.Message, new { ex.ErrorId }); }
        catch (Exception ex)
        {
            Record(where, $"{ex.GetType().Name}: {ex.Message}");
            await FailAsync(exchange, context, 500, $"The portal failed on {where}: {ex.Message}", null);
        }
        finally
        {
            try { context.Response.Close(); }
            catch (Exception ex) when (ex is HttpListenerException or ObjectDisposedException or InvalidOperationException or IOException) { }
        }
    }

    private GuardInput GuardInputOf(HttpListenerRequest request, RequestTarget target)
    {
        var headers = request.Headers;
        var host = headers["Host"];
        if (Secure)
            // Only the relay's requests count: one that reached the loopback listener some other way has no HTTPS behind it.
            host = RequestGuard.SameSecret(headers[HttpsRelay.SecretHeader], _relaySecret) ? headers[HttpsRelay.ForwardedHostHeader] : null;
        return new GuardInput(request.HttpMethod, host, target.Query("token"), headers["Cookie"], headers["Authorization"],
            headers[RequestGuard.CustomHeaderName], headers["Origin"]);
    }

    private async Task FailAsync(PortalExchange? exchange, HttpListenerContext context, int status, string message, object? extra)
    {
        if (exchange?.Started == true) return;   // a stream already under way: its client sees it end
        try
        {
            var x = exchange ?? new PortalExchange(context, RequestTarget.Parse("/")!);
            await x.JsonAsync(status, PortalJson.ErrorBody(message, extra), CancellationToken.None).ConfigureAwait(false);
        }
        catch (Exception ex) when (IsClientGone(ex)) { }
    }

    // The client left (a closed tab, a dropped stream) or the server is stopping: not an error of the server.
    private bool IsClientGone(Exception ex) =>
        ex is HttpListenerException or IOException or ObjectDisposedException
        || ex is OperationCanceledException && _stop.IsCancellationRequested;

    /// <summary>Stops the runs, the relay and the listener; the port is free when this returns.</summary>
    public void Stop()
    {
        if (_stop.IsCancellationRequested) return;
        _stop.Cancel();
        _runs.StopAll(TimeSpan.FromSeconds(10));
        _relay?.Dispose();
        // Close alone: on Unix, Close after Stop removes the prefixes a second time, which binds the port anew for a moment
        // and fails with "Address already in use" when another listener has taken it since.
        try { _listener.Close(); }
        catch (ObjectDisposedException) { }
        try { _accepting.Wait(TimeSpan.FromSeconds(5)); }
        catch (AggregateException) { }
    }

    public void Dispose() => Stop();
}
