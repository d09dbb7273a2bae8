namespace SmartDomains.Portal.Server;

public enum PortalRunState { Running, Completed, Failed, Stopped }

/// <summary>One entry of a run's log: its number (the SSE event id), when it came, and the record.</summary>
public sealed record PortalRunLogEntry(int Seq, DateTimeOffset Time, PortalRunEvent Event);

/// <summary>
/// A run the page started: its request, its state, and its whole log, kept for the page to read again (a reconnecting event
/// stream, a tab opened later). Records come in from the session's threads; readers wait on <see cref="ReadFrom"/>'s task.
/// </summary>
public sealed class PortalRun : IPortalRunEvents
{
    /// <summary>The log keeps this many records; past it, only errors, warnings and outputs are kept.</summary>
    public const int MaxLog = 20000;

    private readonly object _gate = new();
    private readonly List<PortalRunLogEntry> _log = new();
    private readonly Action<PortalRun, string> _errorSink;
    private TaskCompletionSource _changed = NewSignal();

    public PortalRun(int id, PortalRunRequest request, string title, Action<PortalRun, string> errorSink)
    {
        Id = id;
        Request = request;
        Title = title;
        _errorSink = errorSink;
    }

    public int Id { get; }
    public PortalRunRequest Request { get; }
    /// <summary>What the page and the error stream call it: "Start of lab.json".</summary>
    public string Title { get; }
    public DateTimeOffset StartTime { get; } = DateTimeOffset.Now;
    public DateTimeOffset? EndTime { get; private set; }
    public PortalRunState State { get; private set; } = PortalRunState.Running;
    public int ErrorCount { get; private set; }
    internal CancellationTokenSource Cancellation { get; } = new();
    internal Task Completion { get; set; } = Task.CompletedTask;

    public void Add(PortalRunEvent record)
    {
        TaskCompletionSource changed;
        lock (_gate)
        {
            if (record.Kind == "error")
            {
                ErrorCount++;
                _errorSink(this, record.Host is null ? record.Text : $"[{record.Host}] {record.Text}");
            }
            if (_log.Count >= MaxLog && record.Kind is not ("error" or "warning" or "output" or "state")) return;
            _log.Add(new PortalRunLogEntry(_log.Count + 1, DateTimeOffset.Now, record));
            (changed, _changed) = (_changed, NewSignal());
        }
        changed.TrySetResult();
    }

    /// <summary>Ends the run: Failed when it recorded an error, else the given state.</summary>
    public void Finish(PortalRunState state)
    {
        lock (_gate)
        {
            if (State != PortalRunState.Running) return;
            State = state == PortalRunState.Completed && ErrorCount > 0 ? PortalRunState.Failed : state;
            EndTime = DateTimeOffset.Now;
        }
        Add(new PortalRunEvent("state", State.ToString()));
    }

    /// <summary>The records after <paramref name="after"/>, whether the run has ended, and a task that completes at the next record.</summary>
    public (IReadOnlyList<PortalRunLogEntry> Entries, bool Finished, Task Changed) ReadFrom(int after)
    {
        lock (_gate)
            return (_log.Skip(Math.Max(0, after)).ToArray(), State != PortalRunState.Running, _changed.Task);
    }

    public object Summary() => new
    {
        Id, Title, Action = Request.Action, State, StartTime, EndTime, ErrorCount,
        Pool = Request.PoolFile is null ? null : Path.GetFileName(Request.PoolFile), Request.Repository, Request.Hosts,
    };

    private static TaskCompletionSource NewSignal() => new(TaskCreationOptions.RunContinuationsAsynchronously);
}
