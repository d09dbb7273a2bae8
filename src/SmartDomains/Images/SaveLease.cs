using SmartDomains.Hosts;
using SmartDomains.Pools;
using SmartDomains.State;

namespace SmartDomains.Images;

/// <summary>
/// The lease a save holds on its domain (<see cref="LeaseScope.OfDomain"/>) while it runs, so that no other controller
/// removes the pool or restarts the domain under it, and so that Sync-XenPool sees a save in flight. A caller that holds a
/// lease covering the domain already passes its token (<see cref="ImageSaveOptions.LeaseToken"/>) and no second one is taken.
/// A domain of no pool (not the module's) has no scope of its own: it is saved as before, under no lease.
/// </summary>
internal sealed class SaveLease
{
    // Renewed before each long step when less than this is left.
    private static readonly TimeSpan Step = TimeSpan.FromMinutes(10);
    private readonly HostConnection _host;
    private readonly string _domain;
    private readonly ImageSaveOptions _options;
    private HostLease? _held;

    public SaveLease(HostConnection host, string domain, ImageSaveOptions options)
    {
        _host = host;
        _domain = domain;
        _options = options;
        Token = options.LeaseToken ?? HostLease.NewToken();
    }

    public string Token { get; }

    /// <summary>The journal writer whose lines pass this save's lease.</summary>
    public HostJournal Journal => new(_host) { LeaseToken = Token };

    /// <summary>
    /// Takes the lease on the domain of <paramref name="pool"/>, waiting for another's up to the options' bound. True when it
    /// had to wait: the host may have changed meanwhile, so what was read before must be read again.
    /// </summary>
    public async Task<bool> TakeAsync(string? pool, CancellationToken ct)
    {
        if (_held is not null || _options.LeaseToken is not null || pool is null || !XenNames.IsValidName(pool)) return false;
        var waited = false;
        var lease = new HostLease(_host, LeaseScope.OfDomain(pool, _domain), $"Save-XenImage of {_domain}", Token)
        { BusyTimeout = _options.BusyTimeout, Waiting = m => { waited = true; _options.Status?.Invoke(m); } };
        await lease.AcquireAsync(Step, ct).ConfigureAwait(false);
        _held = lease;
        return waited;
    }

    public Task RenewAsync(CancellationToken ct) => _held?.AcquireAsync(Step, ct) ?? Task.CompletedTask;

    /// <summary>Lets go, even after a cancel; of a host that is gone, this process's next lease there lets go (HostLease).</summary>
    public async Task ReleaseAsync()
    {
        if (_held is null) return;
        try
        {
            using var limit = new CancellationTokenSource(TimeSpan.FromSeconds(15));
            await _held.ReleaseAsync(limit.Token).ConfigureAwait(false);
        }
        catch (Exception e) when (e is XenHostException or OperationCanceledException) { /* this process's next lease there lets go of it */ }
    }
}
