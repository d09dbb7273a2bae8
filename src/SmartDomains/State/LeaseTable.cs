using System.Globalization;
using SmartDomains.HostScripts;
using SmartDomains.Hosts;
using SmartDomains.Remote;

namespace SmartDomains.State;

/// <summary>One line of a host's lease table: who holds what until when (the host's clock).</summary>
public sealed record HostLeaseRecord(string Token, DateTimeOffset Until, LeaseScope Scope, string Who)
{
    /// <summary>The words lib/lease.sh's lease_busy uses: "held by WHO until 2026-12-02 14:05:10 UTC, 40 s from now".</summary>
    public string Describe(DateTimeOffset now) =>
        $"held by {Who} until {Until.UtcDateTime.ToString("yyyy-MM-dd HH:mm:ss", CultureInfo.InvariantCulture)} UTC, " +
        $"{(long)Math.Floor((Until - now).TotalSeconds)} s from now";
}

/// <summary>
/// A host's lease table as read (lease-read.sh), with the host's clock at that moment, so a controller on another clock judges
/// which leases are live as the host's scripts do.
/// </summary>
public sealed class LeaseTable
{
    private const string NowPrefix = "now ";

    public LeaseTable(DateTimeOffset hostNow, IReadOnlyList<HostLeaseRecord> records) { HostNow = hostNow; Records = records; }

    public DateTimeOffset HostNow { get; }
    public IReadOnlyList<HostLeaseRecord> Records { get; }

    public static LeaseTable Empty { get; } = new(DateTimeOffset.MinValue, Array.Empty<HostLeaseRecord>());

    /// <summary>The leases that have not run out (by the host's clock).</summary>
    public IEnumerable<HostLeaseRecord> Live => Records.Where(r => r.Until > HostNow);

    /// <summary>
    /// A live lease of another token whose scope overlaps <paramref name="scope"/>: while there is one, work on that scope must
    /// wait (the host refuses such a lease, and the journal entries the holder's scope covers). Null when there is none.
    /// </summary>
    public HostLeaseRecord? HeldElsewhere(LeaseScope scope, string? ownToken = null) =>
        Live.FirstOrDefault(r => r.Token != ownToken && r.Scope.Overlaps(scope));

    /// <summary>Is this pool, or this domain of it, under someone else's live lease (a clear, a removal, a save in flight)?</summary>
    public HostLeaseRecord? HeldElsewhere(string pool, string? domain = null, string? ownToken = null) =>
        HeldElsewhere(domain is null ? LeaseScope.OfPool(pool) : LeaseScope.OfDomain(pool, domain), ownToken);

    /// <summary>The command that prints the table; for callers that read it in one round trip with something else.</summary>
    public static RemoteCommand ReadCommand(HostConnection host) => RemoteCommand.Script(Scripts.LeaseRead, host.Host.Layout.ClearLease);

    public static async Task<LeaseTable> ReadAsync(HostConnection host, CancellationToken ct)
    {
        var result = await host.RunAsync(ReadCommand(host), ct).ConfigureAwait(false);
        if (!result.Succeeded)
            throw new XenHostException(XenErrorIds.JournalReadFailed, XenErrorCategory.ReadError, host.Name,
                $"Could not read the lease table {host.Host.Layout.ClearLease} on {host.Name}: {result.StdErr.Trim()}");
        return Parse(result.StdOut);
    }

    /// <summary>lease-read.sh's output: "now EPOCH", then "TOKEN UNTIL POOL DOMAIN WHO..." lines; a line it cannot read is skipped.</summary>
    public static LeaseTable Parse(string text)
    {
        var lines = text.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        if (lines.Length == 0 || !lines[0].StartsWith(NowPrefix, StringComparison.Ordinal) ||
            !long.TryParse(lines[0].AsSpan(NowPrefix.Length), NumberStyles.None, CultureInfo.InvariantCulture, out var now))
            return Empty;
        var records = new List<HostLeaseRecord>();
        foreach (var line in lines.Skip(1))
        {
            var f = line.Split(' ', 5, StringSplitOptions.RemoveEmptyEntries);
            if (f.Length < 2 || !long.TryParse(f[1], NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var until)) continue;
            // A line whose scope is not names (an older version's) counts as the whole host, as lib/lease.sh reads it.
            var scope = f.Length >= 4 ? LeaseScope.FromFields(f[2], f[3]) : null;
            records.Add(new HostLeaseRecord(f[0], DateTimeOffset.FromUnixTimeSeconds(until), scope ?? LeaseScope.Host,
                scope is null ? string.Join(' ', f.Skip(2)) : f.Length > 4 ? f[4] : "an unknown controller"));
        }
        return new LeaseTable(DateTimeOffset.FromUnixTimeSeconds(now), records);
    }
}
