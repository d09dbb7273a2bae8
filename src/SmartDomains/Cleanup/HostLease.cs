using SmartDomains.HostScripts;
using SmartDomains.Hosts;
using SmartDomains.Remote;
using SmartDomains.State;

namespace SmartDomains.Cleanup;

/// <summary>
/// The host-level lock of a cleaning run: a lease file next to the journal, "TOKEN UNTIL WHO", written and checked under
/// the journal's flock. While a live lease exists, every journal append that does not carry its token is refused (exit 75),
/// and since every resource is journaled before it is made, no other controller can make anything on the host meanwhile
/// (Start-XenPool fails with XenHostBusy). Before each step the lease is made to cover at least that step's time, and it
/// expires on its own when its holder dies.
/// </summary>
public sealed class HostLease
{
    private readonly HostConnection _host;
    private readonly HostJournal _paths;

    public HostLease(HostConnection host, string token)
    {
        _host = host;
        Token = token;
        _paths = new HostJournal(host);
    }

    /// <summary>This controller's token: machine/user/process, so a rerun in the same process takes its own lease over.</summary>
    public static string DefaultToken { get; } = new(JournalIdentity.Controller.Select(c => char.IsWhiteSpace(c) ? '_' : c).ToArray());

    public string Token { get; }

    public RemoteCommand AcquireCommand(TimeSpan ttl) =>
        RemoteCommand.Script(Scripts.LeaseAcquire, _paths.LockPath, _paths.LeasePath, Token, ((long)Math.Ceiling(ttl.TotalSeconds)).ToString(), Token);

    public RemoteCommand ReleaseCommand() => RemoteCommand.Script(Scripts.LeaseRelease, _paths.LockPath, _paths.LeasePath, Token);

    public RemoteCommand FinishCommand(int journalLines) =>
        RemoteCommand.Script(Scripts.LeaseFinish, _paths.LockPath, _paths.LeasePath, Token, _paths.JournalPath, journalLines.ToString(), _host.Host.Layout.BaseImageCache, _host.Host.Layout.StagingRoot);

    public RemoteCommand TidyCommand() =>
        RemoteCommand.Script(Scripts.LeaseTidy, _paths.LockPath, _paths.LeasePath, _paths.JournalPath, _host.Host.Layout.BaseImageCache, Token, _host.Host.Layout.StagingRoot);

    // A lease is taken for this much more than asked, so that the steps of the next half minute need no renewal of their own.
    private static readonly TimeSpan Slack = TimeSpan.FromSeconds(30);
    // Environment.TickCount64 until which the lease held is sure to be live (0: none held).
    private long _liveUntil;

    /// <summary>
    /// Makes sure the lease is held for at least <paramref name="ttl"/> from now: takes or renews it (for ttl plus half a
    /// minute) unless the lease already held lasts that long. XenHostBusy when another controller holds a live one.
    /// </summary>
    public async Task AcquireAsync(TimeSpan ttl, CancellationToken ct)
    {
        if (Environment.TickCount64 + (long)ttl.TotalMilliseconds <= Interlocked.Read(ref _liveUntil)) return;
        // The host counts from when it reads the command, a little after this: the lease lasts at least this long.
        var sent = Environment.TickCount64;
        var result = await _host.RunAsync(AcquireCommand(ttl + Slack), ct).ConfigureAwait(false);
        if (result.ExitedWith(HostScriptExit.Busy))
            throw new XenHostException(XenErrorIds.HostBusy, XenErrorCategory.ResourceUnavailable, _host.Name, result.StdErr.Trim())
            { RecommendedAction = "Wait until the other controller has finished (or its lease has expired), then run again." };
        if (!result.Succeeded)
            throw new XenHostException(XenErrorIds.CleanupFailed, XenErrorCategory.WriteError, _host.Name,
                $"Could not take the clear lease {_paths.LeasePath} on {_host.Name}: {result.StdErr.Trim()}");
        Interlocked.Exchange(ref _liveUntil, sent + (long)(ttl + Slack).TotalMilliseconds);
    }

    public Task ReleaseAsync(CancellationToken ct)
    {
        Forget();
        return _host.RunAsync(ReleaseCommand(), ct);
    }

    /// <summary>The lease is no longer held (released or finished): the next step takes it again.</summary>
    public void Forget() => Interlocked.Exchange(ref _liveUntil, 0);
}
