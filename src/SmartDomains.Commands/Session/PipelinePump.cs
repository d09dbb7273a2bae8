using System.Collections.Concurrent;

namespace SmartDomains.Commands.Session;

/// <summary>
/// Lets background tasks hand output, verbose lines and errors to the pipeline thread, which alone may call Write*.
/// The pipeline thread runs the queued actions until every task has finished.
/// </summary>
internal sealed class PipelinePump
{
    private readonly BlockingCollection<Action> _queue = new();

    public void Post(Action action) => _queue.Add(action);

    public void RunUntilComplete(Task work, CancellationToken cancellationToken)
    {
        work.ContinueWith(_ => _queue.CompleteAdding(), TaskScheduler.Default);
        try
        {
            foreach (var action in _queue.GetConsumingEnumerable(cancellationToken)) action();
        }
        catch (OperationCanceledException) { /* Ctrl-C: StopProcessing already cancelled the work */ }
    }
}
