using System.Collections.Concurrent;

namespace SmartDomains.Portal.Server;

/// <summary>
/// The runs of one portal. A run first exists as a preview (its -WhatIf text shown for the page's confirm step) and starts only
/// from that preview's id, once. One run at a time per pool: a second run of the same pool file, or any run while a Clear runs
/// (and a Clear while anything runs), is refused with the run in the way, never queued.
/// </summary>
public sealed class PortalRuns
{
    public const int KeptRuns = 50;
    private static readonly TimeSpan PreviewLifetime = TimeSpan.FromMinutes(15);

    private readonly object _gate = new();
    private readonly List<PortalRun> _runs = new();
    private readonly ConcurrentDictionary<string, (PortalRunRequest Request, DateTimeOffset Made)> _previews = new();
    private readonly Action<PortalRun, string> _errorSink;
    private int _lastId;

    public PortalRuns(Action<PortalRun, string> errorSink) => _errorSink = errorSink;

    public string AddPreview(PortalRunRequest request)
    {
        foreach (var old in _previews.Where(p => DateTimeOffset.Now - p.Value.Made > PreviewLifetime)) _previews.TryRemove(old.Key, out _);
        var id = RequestGuard.NewToken()[..16];
        _previews[id] = (request, DateTimeOffset.Now);
        return id;
    }

    /// <summary>The request a preview showed; each preview starts one run at most.</summary>
    public PortalRunRequest? TakePreview(string id) =>
        _previews.TryRemove(id, out var preview) && DateTimeOffset.Now - preview.Made <= PreviewLifetime ? preview.Request : null;

    public IReadOnlyList<PortalRun> All
    {
        get { lock (_gate) return _runs.ToArray(); }
    }

    public PortalRun? Get(int id)
    {
        lock (_gate) return _runs.FirstOrDefault(r => r.Id == id);
    }

    /// <summary>Starts <paramref name="body"/> in the background as a new run; the running one in the way when it overlaps.</summary>
    public (PortalRun? Started, PortalRun? InTheWay) Start(PortalRunRequest request, string title, Func<PortalRun, CancellationToken, Task> body)
    {
        PortalRun run;
        lock (_gate)
        {
            var busy = _runs.FirstOrDefault(r => r.State == PortalRunState.Running && Overlaps(r.Request.Key, request.Key));
            if (busy is not null) return (null, busy);
            run = new PortalRun(++_lastId, request, title, _errorSink);
            _runs.Add(run);
            while (_runs.Count > KeptRuns && _runs.FindIndex(r => r.State != PortalRunState.Running) is var oldest and >= 0) _runs.RemoveAt(oldest);
        }
        run.Add(new PortalRunEvent("state", PortalRunState.Running.ToString()));
        run.Completion = Task.Run(async () =>
        {
            try
            {
                await body(run, run.Cancellation.Token).ConfigureAwait(false);
                run.Finish(run.Cancellation.IsCancellationRequested ? PortalRunState.Stopped : PortalRunState.Completed);
            }
            catch (OperationCanceledException) when (run.Cancellation.IsCancellationRequested) { run.Finish(PortalRunState.Stopped); }
            catch (Exception ex)
            {
                run.Add(new PortalRunEvent("error", ex.Message));
                run.Finish(PortalRunState.Failed);
            }
        });
        return (run, null);
    }

    /// <summary>Stops every run (the portal stops) and waits a little for them to say so.</summary>
    public void StopAll(TimeSpan wait)
    {
        var running = All.Where(r => r.State == PortalRunState.Running).ToArray();
        foreach (var run in running) run.Cancellation.Cancel();
        Task.WaitAll(running.Select(r => r.Completion.ContinueWith(_ => { })).ToArray(), wait);
    }

    private static bool Overlaps(string a, string b) => a == "*" || b == "*" || string.Equals(a, b, StringComparison.Ordinal);
}
