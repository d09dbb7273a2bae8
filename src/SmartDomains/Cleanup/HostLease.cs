using SmartDomains.Hosts;
using SmartDomains.Remote;
using SmartDomains.State;

namespace SmartDomains.Cleanup;

/// <summary>
/// The host-level lock of a cleaning run: a lease file next to the journal, "TOKEN UNTIL WHO", written and checked under
/// the journal's flock. While a live lease exists, every journal append that does not carry its token is refused (exit 75),
/// and since every resource is journaled before it is made, no other controller can make anything on the host meanwhile
/// (Start-XenPool fails with XenHostBusy). The lease is renewed before each step and expires on its own when its holder dies.
/// </summary>
public sealed class HostLease
{
    // $1 lock, $2 lease, $3 token, $4 seconds to live, $5 who.
    private const string AcquireScript =
        "mkdir -p \"$(dirname \"$1\")\" || exit 1; exec 9>>\"$1\" && flock -w 60 9 || exit 1; now=$(date +%s); " +
        "if [ -f \"$2\" ] && read -r holder until who < \"$2\" && [ \"$holder\" != \"$3\" ] && [ \"${until:-0}\" -gt \"$now\" ] 2>/dev/null; then " +
        "echo \"smartdomains: the host is being cleaned by $who (lease until $until)\" >&2; exit 75; fi; " +
        "printf '%s %s %s\\n' \"$3\" \"$((now + $4))\" \"$5\" > \"$2\"";

    // $1 lock, $2 lease, $3 token. Removes the lease if it is still ours.
    private const string ReleaseScript =
        "[ -e \"$2\" ] || exit 0; exec 9>>\"$1\" && flock -w 60 9 || exit 1; " +
        "if read -r holder rest < \"$2\" && [ \"$holder\" = \"$3\" ]; then rm -f \"$2\"; fi";

    // $1 lock, $2 lease, $3 token, $4 journal, $5 the journal's line count when last read, $6 the base image cache dir,
    // $7 the staging root of saves and restores. The host is back as it was: the journal, the lease, the (empty) module dirs
    // and the lock file go, in that order.
    private const string FinishScript =
        "exec 9>>\"$1\" && flock -w 60 9 || exit 1; " +
        "if [ -f \"$2\" ] && ! { read -r holder rest < \"$2\" && [ \"$holder\" = \"$3\" ]; }; then echo \"smartdomains: the clear lease is no longer ours\" >&2; exit 75; fi; " +
        "if [ -f \"$4\" ] && [ \"$(wc -l < \"$4\")\" -ne \"$5\" ]; then echo \"smartdomains: the journal changed meanwhile; it is kept\" >&2; exit 3; fi; " +
        "rm -f \"$4\" && { rmdir \"$6\" 2>/dev/null; rmdir \"$7\" 2>/dev/null; rm -f \"$2\" \"$1\"; }";

    // $1 lock, $2 lease, $3 journal, $4 cache dir, $5 token, $6 staging root. With no journal: leftovers of a run that died while finishing.
    private const string TidyScript =
        "[ -e \"$3\" ] && exit 0; [ -e \"$1\" ] || [ -e \"$2\" ] || [ -d \"$4\" ] || exit 0; exec 9>>\"$1\" && flock -w 60 9 || exit 1; [ -e \"$3\" ] && exit 0; " +
        "if [ -f \"$2\" ] && read -r holder until who < \"$2\" && [ \"$holder\" != \"$5\" ] && [ \"${until:-0}\" -gt \"$(date +%s)\" ] 2>/dev/null; then exit 0; fi; " +
        "rmdir \"$4\" 2>/dev/null; rmdir \"$6\" 2>/dev/null; rm -f \"$2\" \"$1\"";

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
        RemoteCommand.Script(AcquireScript, _paths.LockPath, _paths.LeasePath, Token, ((long)Math.Ceiling(ttl.TotalSeconds)).ToString(), Token);

    public RemoteCommand ReleaseCommand() => RemoteCommand.Script(ReleaseScript, _paths.LockPath, _paths.LeasePath, Token);

    public RemoteCommand FinishCommand(int journalLines) =>
        RemoteCommand.Script(FinishScript, _paths.LockPath, _paths.LeasePath, Token, _paths.JournalPath, journalLines.ToString(), _host.Host.Layout.BaseImageCache, _host.Host.Layout.StagingRoot);

    public RemoteCommand TidyCommand() =>
        RemoteCommand.Script(TidyScript, _paths.LockPath, _paths.LeasePath, _paths.JournalPath, _host.Host.Layout.BaseImageCache, Token, _host.Host.Layout.StagingRoot);

    /// <summary>Takes or renews the lease; XenHostBusy when another controller holds a live one.</summary>
    public async Task AcquireAsync(TimeSpan ttl, CancellationToken ct)
    {
        var result = await _host.RunAsync(AcquireCommand(ttl), ct).ConfigureAwait(false);
        if (result.ExitCode == HostJournal.LeaseRefused)
            throw new XenHostException(XenErrorIds.HostBusy, XenErrorCategory.ResourceUnavailable, _host.Name, result.StdErr.Trim())
            { RecommendedAction = "Wait until the other controller has finished (or its lease has expired), then run again." };
        if (!result.Succeeded)
            throw new XenHostException(XenErrorIds.CleanupFailed, XenErrorCategory.WriteError, _host.Name,
                $"Could not take the clear lease {_paths.LeasePath} on {_host.Name}: {result.StdErr.Trim()}");
    }

    public Task ReleaseAsync(CancellationToken ct) => _host.RunAsync(ReleaseCommand(), ct);
}
