using System.Management.Automation;
using SmartDomains.Commands.Session;
using SmartDomains.Lifecycle;
using SmartDomains.Remote;

namespace SmartDomains.Commands;

/// <summary>One progress bar for the pool and a child bar per host, fed by workflow events through the pump.</summary>
internal sealed class PoolProgress : IPoolEvents
{
    private static readonly HashSet<string> Final = new() { "Alive", "AlreadyRunning", "Failed", "Skipped", "Stopped" };
    private readonly PSCmdlet _cmdlet;
    private readonly PipelinePump _pump;
    private readonly string _activity;
    private readonly int _total;
    private readonly Dictionary<string, int> _hostIds = new(StringComparer.OrdinalIgnoreCase);
    private readonly HashSet<string> _finished = new();
    private readonly int _baseId;

    public PoolProgress(PSCmdlet cmdlet, PipelinePump pump, string activity, int total, IEnumerable<string> hosts)
    {
        _cmdlet = cmdlet;
        _pump = pump;
        _activity = activity;
        _total = Math.Max(1, total);
        _baseId = Math.Abs(activity.GetHashCode() % 10000) * 100;
        foreach (var h in hosts) _hostIds[h] = _baseId + 1 + _hostIds.Count;
    }

    public void StateChanged(string pool, string domain, string host, string state, string? message) => _pump.Post(() =>
    {
        if (Final.Contains(state)) _finished.Add(domain);
        _cmdlet.WriteVerbose($"[{host}] {domain}: {state}{(message is null ? "" : " - " + message)}");
        _cmdlet.WriteProgress(new ProgressRecord(_baseId, _activity, $"{_finished.Count} of {_total} domains done")
        { PercentComplete = Math.Min(100, _finished.Count * 100 / _total) });
        if (_hostIds.TryGetValue(host, out var id))
            _cmdlet.WriteProgress(new ProgressRecord(id, host, DomainStatus(domain, state)) { ParentActivityId = _baseId });
    });

    /// <summary>A host bar's status line; the portal reads each domain's state back from it (<see cref="TryReadDomainStatus"/>).</summary>
    public static string DomainStatus(string domain, string state) => $"{domain}: {state}";

    public static bool TryReadDomainStatus(string status, out string domain, out string state)
    {
        var colon = status.IndexOf(": ", StringComparison.Ordinal);
        (domain, state) = colon > 0 ? (status[..colon], status[(colon + 2)..]) : ("", "");
        return colon > 0 && !domain.Contains(' ');
    }

    public void CommandCompleted(string pool, string? domain, CommandResult result) { }

    public void Complete() => _pump.Post(() =>
    {
        foreach (var id in _hostIds.Values)
            _cmdlet.WriteProgress(new ProgressRecord(id, "host", "done") { ParentActivityId = _baseId, RecordType = ProgressRecordType.Completed });
        _cmdlet.WriteProgress(new ProgressRecord(_baseId, _activity, "done") { RecordType = ProgressRecordType.Completed });
    });
}
