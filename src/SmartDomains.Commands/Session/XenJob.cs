using System.Collections;
using System.Management.Automation;
using System.Management.Automation.Runspaces;

namespace SmartDomains.Commands.Session;

/// <summary>
/// A cmdlet of this module run as a PowerShell job (-AsJob): in a runspace of its own that shares the session's connections
/// (SessionRunspace), its streams are the job's, so Receive-Job gives the same objects, progress, warnings and errors the
/// cmdlet gives in the foreground. Stop-Job stops the pipeline, which cancels the cmdlet's host work as Ctrl-C does.
/// </summary>
public sealed class XenJob : Job
{
    public const string JobTypeName = "SmartDomainsJob";

    private readonly PowerShell _shell;
    private readonly Runspace _runspace;
    private readonly PSDataCollection<object> _input = new();
    private readonly string _location;

    internal XenJob(PSCmdlet caller, string command, IDictionary parameters, IReadOnlyList<object> input, string location)
        : base(caller.MyInvocation.Line.Trim() is { Length: > 0 } line ? line : command, null)
    {
        PSJobTypeName = JobTypeName;
        _location = location;
        _runspace = SessionRunspace.Open(caller);
        _shell = PowerShell.Create();
        _shell.Runspace = _runspace;
        _shell.AddCommand(command).AddParameters(parameters);
        // The job's collections are the pipeline's own, so nothing is copied and nothing arrives late.
        Output = new PSDataCollection<PSObject>();
        _shell.Streams.Error = Error;
        _shell.Streams.Progress = Progress;
        _shell.Streams.Verbose = Verbose;
        _shell.Streams.Warning = Warning;
        _shell.Streams.Debug = Debug;
        _shell.Streams.Information = Information;
        foreach (var item in input) _input.Add(item);
        _input.Complete();
        _shell.InvocationStateChanged += OnStateChanged;
    }

    public override string Location => _location;
    public override string StatusMessage => _shell.InvocationStateInfo.Reason?.Message ?? "";
    public override bool HasMoreData => Output.Count > 0 || Error.Count > 0 || Warning.Count > 0 || Verbose.Count > 0 ||
                                        Progress.Count > 0 || Information.Count > 0 || Debug.Count > 0;

    internal void Start()
    {
        SetJobState(JobState.Running);
        _shell.BeginInvoke(_input, Output);
    }

    public override void StopJob()
    {
        if (IsFinishedState(JobStateInfo.State)) return;
        SetJobState(JobState.Stopping);
        _shell.Stop();
    }

    private void OnStateChanged(object? sender, PSInvocationStateChangedEventArgs e)
    {
        var (state, reason) = (e.InvocationStateInfo.State, e.InvocationStateInfo.Reason);
        JobState? next = state switch
        {
            PSInvocationState.Completed => JobState.Completed,
            PSInvocationState.Stopped => JobState.Stopped,
            PSInvocationState.Failed => JobState.Failed,
            _ => null,
        };
        if (next is null) return;
        if (reason is not null && next == JobState.Failed)
            Error.Add(reason is RuntimeException r ? r.ErrorRecord : new ErrorRecord(reason, "XenJobFailed", ErrorCategory.OperationStopped, Name));
        SetJobState(next.Value);
        // The runspace goes with the job's end; the connections it shared stay the session's.
        _runspace.CloseAsync();
    }

    private static bool IsFinishedState(JobState state) => state is JobState.Completed or JobState.Failed or JobState.Stopped;

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            _shell.InvocationStateChanged -= OnStateChanged;
            _shell.Dispose();
            _runspace.Dispose();
            _input.Dispose();
        }
        base.Dispose(disposing);
    }
}
