using System.Collections.Concurrent;
using System.Diagnostics;
using SmartDomains.HostScripts;
using SmartDomains.Hosts;
using SmartDomains.Lifecycle;
using SmartDomains.Remote;

namespace SmartDomains.State;

/// <summary>
/// A controller's lease on a scope of one host (<see cref="LeaseScope"/>: the whole host, a pool, a domain of a pool): a line
/// "TOKEN UNTIL POOL DOMAIN WHO" of the lease table next to the journal, written and checked under the journal's flock.
/// While it is live, the host refuses (exit 75) every journal append that its scope covers and that does not carry its token,
/// and since every resource is journaled before it is made, no other controller can make anything the holder is undoing;
/// leases of scopes that do not overlap (two pools) are held at once. It is made to cover each step's time before the step,
/// and expires on its own when its holder dies.
/// </summary>
public sealed class HostLease
{
    private readonly HostConnection _host;
    private readonly HostJournal _paths;

    /// <param name="purpose">What the holder does, for other controllers' messages: "Remove-XenPool of pool 'web'".</param>
    /// <param name="token">The lease's token; by default a new one (<see cref="NewToken"/>).</param>
    public HostLease(HostConnection host, LeaseScope scope, string purpose, string? token = null)
    {
        _host = host;
        Scope = scope;
        Token = token ?? NewToken();
        Who = OneLine($"{Environment.UserName}@{Environment.MachineName} (pid {Environment.ProcessId}) for {purpose}");
        _paths = new HostJournal(host);
    }

    public static HostLease ForHost(HostConnection host, string purpose) => new(host, LeaseScope.Host, purpose);

    public static HostLease ForPool(HostConnection host, string pool, string purpose) => new(host, LeaseScope.OfPool(pool), purpose);

    public static HostLease ForDomain(HostConnection host, string pool, string domain, string purpose) =>
        new(host, LeaseScope.OfDomain(pool, domain), purpose);

    /// <summary>This controller: machine/user/process, one word.</summary>
    public static string ControllerToken { get; } = new(JournalIdentity.Controller.Select(c => char.IsWhiteSpace(c) || char.IsControl(c) ? '_' : c).ToArray());

    /// <summary>A token of its own for each lease, so two runspaces of one process keep each other out like two controllers.</summary>
    public static string NewToken() => ControllerToken + "#" + Guid.NewGuid().ToString("N")[..8];

    /// <summary>How long a busy scope is waited for by default before XenHostBusy.</summary>
    public static TimeSpan DefaultBusyTimeout { get; } = TimeSpan.FromMinutes(2);

    public string Token { get; }
    public LeaseScope Scope { get; }
    /// <summary>What other controllers are told: "root@ctl (pid 4242) for Remove-XenPool of pool 'web'".</summary>
    public string Who { get; }
    /// <summary>How long <see cref="AcquireAsync"/> waits for a scope another controller holds; zero: not at all.</summary>
    public TimeSpan BusyTimeout { get; init; } = DefaultBusyTimeout;
    /// <summary>One attempt's limit (an overrun is XenHostUnreachable); the waiting between attempts is not counted.</summary>
    public TimeSpan StepTimeout { get; init; } = TimeSpan.FromSeconds(120);
    /// <summary>Told the holder's words each time the scope is found busy and waited for (verbose output).</summary>
    public Action<string>? Waiting { get; init; }

    /// <summary>The journal writer whose appends this lease lets through.</summary>
    public HostJournal Journal => new(_host) { LeaseToken = Token };

    public RemoteCommand AcquireCommand(TimeSpan ttl) =>
        RemoteCommand.Script(Scripts.LeaseAcquire, _paths.LockPath, _paths.LeasePath, Token, ((long)Math.Ceiling(ttl.TotalSeconds)).ToString(),
            Who, Scope.PoolField, Scope.DomainField);

    public RemoteCommand ReleaseCommand() => RemoteCommand.Script(Scripts.LeaseRelease, _paths.LockPath, _paths.LeasePath, Token);

    public RemoteCommand FinishCommand(int journalLines) =>
        RemoteCommand.Script(Scripts.LeaseFinish, _paths.LockPath, _paths.LeasePath, Token, _paths.JournalPath, journalLines.ToString(), _host.Host.Layout.BaseImageCache, _host.Host.Layout.StagingRoot);

    public RemoteCommand TidyCommand() =>
        RemoteCommand.Script(Scripts.LeaseTidy, _paths.LockPath, _paths.LeasePath, _paths.JournalPath, _host.Host.Layout.BaseImageCache, Token, _host.Host.Layout.StagingRoot);

    // A lease is taken for this much more than asked, so that the steps of the next half minute need no renewal of their own.
    private static readonly TimeSpan Slack = TimeSpan.FromSeconds(30);
    // Between attempts on a busy scope: doubled each time up to the cap, so a long wait costs few round trips.
    private static readonly TimeSpan FirstPause = TimeSpan.FromMilliseconds(250);
    private static readonly TimeSpan LongestPause = TimeSpan.FromSeconds(5);
    // Environment.TickCount64 until which the lease held is sure to be live (0: none held).
    private long _liveUntil;

    // Per host, the tokens of this process's leases whose release did not reach the host (it was gone). Their runs are over,
    // so the next lease this process takes there lets go of them first: a rerun is not kept waiting by its own dead run.
    private static readonly ConcurrentDictionary<string, ConcurrentDictionary<string, bool>> Orphans = new(StringComparer.OrdinalIgnoreCase);

    /// <summary>
    /// Makes sure the lease is held for at least <paramref name="ttl"/> from now: takes or renews it (for ttl plus half a
    /// minute) unless the lease already held lasts that long. While another controller holds an overlapping scope it tries
    /// again, pausing longer each time, for up to <see cref="BusyTimeout"/>; then XenHostBusy, saying who holds it until when.
    /// </summary>
    public async Task AcquireAsync(TimeSpan ttl, CancellationToken ct)
    {
        if (Environment.TickCount64 + (long)ttl.TotalMilliseconds <= Interlocked.Read(ref _liveUntil)) return;
        await ReleaseOrphansAsync(ct).ConfigureAwait(false);
        var waited = Stopwatch.StartNew();
        var pause = FirstPause;
        while (true)
        {
            // The host counts from when it reads the command, a little after this: the lease lasts at least this long.
            var sent = Environment.TickCount64;
            var result = await HostStep.RunAsync(_host.Name, StepTimeout, t => _host.RunAsync(AcquireCommand(ttl + Slack), t), ct).ConfigureAwait(false);
            if (result.Succeeded)
            {
                Interlocked.Exchange(ref _liveUntil, sent + (long)(ttl + Slack).TotalMilliseconds);
                return;
            }
            if (!result.ExitedWith(HostScriptExit.Busy))
                throw new XenHostException(XenErrorIds.CleanupFailed, XenErrorCategory.WriteError, _host.Name,
                    $"Could not take the lease on {Scope} in {_paths.LeasePath} on {_host.Name}: {result.StdErr.Trim()}");
            var holder = Holder(result);
            if (waited.Elapsed + pause > BusyTimeout) throw Busy(holder, waited.Elapsed);
            Waiting?.Invoke($"{Scope} on {_host.Name} is {holder}; waiting (up to {BusyTimeout.TotalSeconds:0} s)");
            await Task.Delay(pause, ct).ConfigureAwait(false);
            pause = TimeSpan.FromTicks(Math.Min(pause.Ticks * 2, LongestPause.Ticks));
        }
    }

    private XenHostException Busy(string holder, TimeSpan waited) =>
        new(XenErrorIds.HostBusy, XenErrorCategory.ResourceUnavailable, _host.Name,
            $"{Scope} on {_host.Name} is {holder}" + (waited >= FirstPause ? $"; waited {waited.TotalSeconds:0} s for it." : "."))
        { RecommendedAction = "Run again when the other controller has finished (or its lease has run out), or wait longer with -BusyTimeout." };

    /// <summary>The holder's words from a busy script's message ("busy: held by ... s from now; ..."), without the marker.</summary>
    internal static string Holder(CommandResult result)
    {
        var text = result.StdErr.Trim();
        var at = text.IndexOf("held by ", StringComparison.Ordinal);
        var end = text.IndexOf("; ", Math.Max(at, 0), StringComparison.Ordinal);
        return at < 0 ? text : end < 0 ? text[at..] : text[at..end];
    }

    /// <summary>Lets go of the lease. When the host cannot be told, the next lease this process takes there lets go of it.</summary>
    public async Task ReleaseAsync(CancellationToken ct)
    {
        Forget();
        var released = false;
        try { released = (await _host.RunAsync(ReleaseCommand(), ct).ConfigureAwait(false)).Succeeded; }
        finally { if (!released) Orphans.GetOrAdd(_host.Name, _ => new()).TryAdd(Token, true); }
    }

    private async Task ReleaseOrphansAsync(CancellationToken ct)
    {
        if (!Orphans.TryGetValue(_host.Name, out var orphans)) return;
        foreach (var token in orphans.Keys.Where(t => t != Token))
        {
            var release = RemoteCommand.Script(Scripts.LeaseRelease, _paths.LockPath, _paths.LeasePath, token);
            var result = await HostStep.RunAsync(_host.Name, StepTimeout, t => _host.RunAsync(release, t), ct).ConfigureAwait(false);
            if (result.Succeeded) orphans.TryRemove(token, out _);
        }
    }

    /// <summary>The lease is no longer held (released or finished): the next step takes it again.</summary>
    public void Forget() => Interlocked.Exchange(ref _liveUntil, 0);

    private static string OneLine(string text) => new(text.Select(c => char.IsControl(c) ? ' ' : c).ToArray());
}
