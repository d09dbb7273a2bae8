using System.Collections;
using System.Management.Automation;

namespace SmartDomains.Commands.Session;

/// <summary>
/// A cmdlet of this module run as a PowerShell job (-AsJob), in a <see cref="SharedSessionRunspace"/> that shares the
/// session's connections, location and preferences. Every record goes into the job's collections as it comes, so
/// Receive-Job gives the same objects, progress, warnings and errors the cmdlet gives in the foreground. Stop-Job stops
/// the pipeline, which cancels the cmdlet's host work as Ctrl-C does.
/// </summary>
public sealed class XenJob : Job
{
    public const string JobTypeName = "SmartDomainsJob";

    private readonly SharedSessionRunspace _runspace;
    private readonly string _command;
    private readonly IDictionary _parameters;
    private readonly IReadOnlyList<object> _input;
    private readonly string _location;
    private readonly CancellationTokenSource _stop = new();
    private Task _finished = Task.CompletedTask;

    internal XenJob(PSCmdlet caller, string command, IDictionary parameters, IReadOnlyList<object> input, string location)
        : base(caller.MyInvocation.Line.Trim() is { Length: > 0 } line ? line : command, null)
    {
        PSJobTypeName = JobTypeName;
        (_command, _parameters, _input, _location) = (command, parameters, input, location);
        _runspace = new SharedSessionRunspace(XenCmdlet.Registry, caller.SessionState.Path.CurrentFileSystemLocation.Path,
            SharedSessionRunspace.ModulePreferences(caller.SessionState));
    }

    public override string Location => _location;
    public override string StatusMessage => "";
    public override bool HasMoreData => Output.Count > 0 || Error.Count > 0 || Warning.Count > 0 || Verbose.Count > 0 ||
                                        Progress.Count > 0 || Information.Count > 0;

    internal void Start()
    {
        SetJobState(JobState.Running);
        var streams = new SessionStreams
        {
            Output = Output.Add, Error = Error.Add, Warning = Warning.Add, Verbose = Verbose.Add,
            Information = Information.Add, Progress = Progress.Add,
        };
        _finished = _runspace.InvokeAsync(s => s.AddCommand(_command).AddParameters(_parameters), streams, _stop.Token, _input)
            .ContinueWith(Finish, TaskScheduler.Default);
    }

    private void Finish(Task run)
    {
        // Whatever a stopped cmdlet throws on its way out (a cancelled step, a stopped pipeline), the job was stopped.
        if (run.IsCanceled || (_stop.IsCancellationRequested && run.IsFaulted))
            SetJobState(JobState.Stopped);
        else if (run.Exception?.GetBaseException() is { } failure)
        {
            Error.Add(failure is RuntimeException r ? r.ErrorRecord : new ErrorRecord(failure, "XenJobFailed", ErrorCategory.OperationStopped, Name));
            SetJobState(JobState.Failed);
        }
        else SetJobState(JobState.Completed);
    }

    public override void StopJob()
    {
        if (JobStateInfo.State is JobState.Completed or JobState.Failed or JobState.Stopped) return;
        SetJobState(JobState.Stopping);
        _stop.Cancel();
        // Stop-Job returns once the cmdlet has stopped (its step undone or journaled), as for PowerShell's own jobs.
        _finished.Wait(TimeSpan.FromMinutes(2));
    }

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            _stop.Cancel();
            _runspace.Dispose();
            _stop.Dispose();
        }
        base.Dispose(disposing);
    }
}
