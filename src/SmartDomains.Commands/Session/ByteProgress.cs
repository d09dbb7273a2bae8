using System.Diagnostics;
using System.Management.Automation;

namespace SmartDomains.Commands.Session;

/// <summary>Byte-level progress from a worker thread, written as progress records through the pump (at most 5 a second).</summary>
internal sealed class ByteProgress : IProgress<long>
{
    private readonly Cmdlet _cmdlet;
    private readonly PipelinePump _pump;
    private readonly int _id;
    private readonly string _activity;
    private readonly Stopwatch _watch = Stopwatch.StartNew();
    private long _lastReport = -1000;
    private string _status = "starting";

    public ByteProgress(Cmdlet cmdlet, PipelinePump pump, int id, string activity)
    {
        (_cmdlet, _pump, _id, _activity) = (cmdlet, pump, id, activity);
        Post(_status, -1);
    }

    public long Total { get; set; }

    public void Status(string status)
    {
        _status = status;
        if (status.Contains(" bytes", StringComparison.Ordinal))
            foreach (var word in status.Split(' '))
                if (long.TryParse(word, out var n) && n > 0) { Total = n; break; }
        Post(status, -1);
    }

    public void Report(long value)
    {
        var now = _watch.ElapsedMilliseconds;
        if (now - Interlocked.Read(ref _lastReport) < 200 && value < Total) return;
        Interlocked.Exchange(ref _lastReport, now);
        var mib = value / 1048576.0;
        var rate = mib / Math.Max(0.001, _watch.Elapsed.TotalSeconds);
        Post($"{mib:0.0} MiB{(Total > 0 ? $" of {Total / 1048576.0:0.0} MiB" : "")} ({rate:0} MiB/s)", Total > 0 ? (int)Math.Min(100, value * 100 / Total) : -1);
    }

    public void Complete() => _pump.Post(() => _cmdlet.WriteProgress(new ProgressRecord(_id, _activity, "done") { RecordType = ProgressRecordType.Completed }));

    private void Post(string status, int percent) =>
        _pump.Post(() => _cmdlet.WriteProgress(new ProgressRecord(_id, _activity, status) { PercentComplete = percent }));
}
