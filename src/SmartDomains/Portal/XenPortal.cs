using System.Net;
using SmartDomains.Portal.Server;

namespace SmartDomains.Portal;

/// <summary>A running portal (Start-XenPortal): where it listens, what it serves, and what went wrong while it served.</summary>
public sealed class XenPortal
{
    private readonly PortalServer _server;
    private readonly IDisposable? _session;
    private int _reportedErrors;

    public XenPortal(PortalServer server, PortalOptions options, IDisposable? session)
    {
        _server = server;
        _session = session;
        Path = options.Folder;
        ListenAddress = options.ListenAddress;
    }

    /// <summary>The address to open, with the access token in it: whoever has it can act on the session's hosts.</summary>
    public Uri Url => _server.Url;
    public int Port => _server.Port;
    public string Path { get; }
    public IPAddress ListenAddress { get; }
    public DateTimeOffset StartTime { get; } = DateTimeOffset.Now;
    public bool Running { get; private set; } = true;
    public long Requests => _server.Requests;
    public IReadOnlyList<PortalError> Errors => _server.Errors;

    /// <summary>The errors not handed out before, so each reaches the session's error stream once.</summary>
    public IReadOnlyList<PortalError> TakeNewErrors()
    {
        var all = _server.Errors;
        var start = Math.Min(Interlocked.Exchange(ref _reportedErrors, all.Count), all.Count);
        return all.Skip(start).ToArray();
    }

    public void Stop()
    {
        if (!Running) return;
        Running = false;
        _server.Stop();
        _session?.Dispose();
    }

    public override string ToString() => Url.GetLeftPart(UriPartial.Path);
}
