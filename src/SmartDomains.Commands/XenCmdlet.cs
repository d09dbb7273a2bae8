using System.Management.Automation;
using SmartDomains.Commands.Arguments;
using SmartDomains.Commands.Session;
using SmartDomains.Hosts;
using SmartDomains.Model;
using SmartDomains.Remote;

namespace SmartDomains.Commands;

/// <summary>
/// Base of every SmartDomains cmdlet: cancels on Ctrl-C, resolves hosts from the runspace's connection cache,
/// runs per-host work in parallel while writing to the pipeline from the cmdlet's own thread, and turns
/// XenHostExceptions into ErrorRecords with stable ids.
/// </summary>
public abstract class XenCmdlet : PSCmdlet, IDisposable
{
    private readonly CancellationTokenSource _stop = new();

    protected CancellationToken Cancellation => _stop.Token;

    protected override void StopProcessing() => _stop.Cancel();

    private JobLauncher? _job;

    /// <summary>With -AsJob (and no -WhatIf, which only reports), the command line is noted for the job before any record binds.</summary>
    protected override void BeginProcessing()
    {
        if (MyInvocation.BoundParameters.TryGetValue("AsJob", out var asJob) && asJob is SwitchParameter { IsPresent: true } && !WhatIfRequested)
            _job = new JobLauncher(this);
    }

    /// <summary>-AsJob: this record goes to the job, and the caller returns without doing the work itself.</summary>
    private protected bool CollectedForJob()
    {
        _job?.Collect();
        return _job is not null;
    }

    /// <summary>-AsJob: starts the job with what was collected and writes it; the caller returns.</summary>
    private protected bool StartedJob()
    {
        if (_job is null) return false;
        WriteObject(_job.Start());
        return true;
    }

    protected override void EndProcessing() => StartedJob();

    /// <summary>PowerShell disposes a cmdlet when its pipeline ends: the cancellation source is the base cmdlet's own.</summary>
    public void Dispose()
    {
        Dispose(true);
        GC.SuppressFinalize(this);
    }

    protected virtual void Dispose(bool disposing)
    {
        if (disposing) _stop.Dispose();
    }

    internal static HostRegistry Registry => RunspaceHostCache.Current;

    /// <summary>
    /// Turns -Host values (names with wildcards, or XenHost objects) into open connections.
    /// No value means every connected host. A XenHost from another runspace is reconnected here, without prompting.
    /// </summary>
    internal IReadOnlyList<HostConnection> ResolveConnections(IEnumerable<XenHostArgument?>? hosts)
    {
        if (hosts is null)
        {
            var all = Registry.All;
            if (all.Count == 0)
                ThrowTerminatingError(NotConnectedError("No Xen host is connected in this session.", null));
            return all.ToArray();
        }

        var result = new List<HostConnection>();
        foreach (var item in hosts)
        {
            if (item is null)
                ThrowTerminatingError(new ErrorRecord(new ArgumentException("-Host takes host names or XenHost objects, not null."),
                    XenErrorIds.HostArgumentInvalid, ErrorCategory.InvalidArgument, null));
            else if (item.Host is { } host)
                result.Add(Adopt(host));
            else
            {
                var pattern = new WildcardPattern(item.Name, WildcardOptions.IgnoreCase);
                var matches = Registry.All.Where(c => pattern.IsMatch(c.Name)).ToArray();
                if (matches.Length == 0)
                    WriteError(NotConnectedError($"Host '{item.Name}' is not connected in this session.", item.Name));
                result.AddRange(matches);
            }
        }
        return result.DistinctBy(c => c.Name, StringComparer.OrdinalIgnoreCase).ToArray();
    }

    /// <summary>Uses the cached connection for a host object, or opens one from the object's own connection details.</summary>
    private static HostConnection Adopt(XenHost host)
    {
        if (Registry.TryGet(host.Name, out var cached) &&
            (ReferenceEquals(cached.Host, host) || ReferenceEquals(cached.Host.Connection, host.Connection)))
            return cached;
        var connection = new HostConnection(host, SmartDomains.Transport.TransportFactory.Create(host.Connection));
        Registry.Set(connection);
        return connection;
    }

    private static ErrorRecord NotConnectedError(string message, object? target) =>
        new(new InvalidOperationException(message), XenErrorIds.HostNotConnected, ErrorCategory.ConnectionError, target)
        {
            ErrorDetails = new ErrorDetails(message) { RecommendedAction = "Run Connect-XenHost first, or pass -Host." },
        };

    /// <summary>Builds the ErrorRecord for a failure with a stable id, its category, target and advice.</summary>
    internal static ErrorRecord ToErrorRecord(Exception exception, object? target)
    {
        if (exception is AggregateException { InnerExceptions.Count: 1 } agg) exception = agg.InnerException!;
        if (exception is XenHostException xen)
        {
            var category = Enum.TryParse<ErrorCategory>(xen.Category.ToString(), out var c) ? c : ErrorCategory.NotSpecified;
            var record = new ErrorRecord(xen, xen.ErrorId, category, target ?? xen.Host);
            if (xen.RecommendedAction is not null)
                record.ErrorDetails = new ErrorDetails(xen.Message) { RecommendedAction = xen.RecommendedAction };
            return record;
        }
        return new ErrorRecord(exception, exception.GetType().Name, ErrorCategory.NotSpecified, target);
    }

    /// <summary>
    /// Runs <paramref name="body"/> for every connection in parallel. Output and verbose lines are posted to the pump and written
    /// here, in this thread. A failure on one host becomes a non-terminating error; the other hosts carry on.
    /// </summary>
    internal void ForEachHost(IReadOnlyList<HostConnection> connections, Func<HostConnection, PipelinePump, Task> body)
    {
        var pump = new PipelinePump();
        foreach (var c in connections) c.CommandLog = line => pump.Post(() => WriteVerbose(line));
        var tasks = connections.Select(c => Task.Run(async () =>
        {
            try { await body(c, pump).ConfigureAwait(false); }
            catch (OperationCanceledException) when (Cancellation.IsCancellationRequested) { }
            catch (Exception ex) { pump.Post(() => WriteError(ToErrorRecord(ex, c.Host))); }
        }, Cancellation)).ToArray();
        try
        {
            pump.RunUntilComplete(Task.WhenAll(tasks), Cancellation);
        }
        finally
        {
            foreach (var c in connections) c.CommandLog = null;
        }
    }

    /// <summary>
    /// Like <see cref="ForEachHost"/>, but collects one result per host and returns them in the hosts' order, whatever
    /// order the hosts answered in. Hosts that failed are missing (their errors are already written).
    /// </summary>
    internal IReadOnlyList<(HostConnection Connection, T Result)> CollectFromHosts<T>(IReadOnlyList<HostConnection> connections,
        Func<HostConnection, PipelinePump, Task<T>> body)
    {
        var results = new Dictionary<HostConnection, T>();
        ForEachHost(connections, async (connection, pump) =>
        {
            var result = await body(connection, pump).ConfigureAwait(false);
            pump.Post(() => results[connection] = result);
        });
        return connections.Where(results.ContainsKey).Select(c => (c, results[c])).ToArray();
    }

    /// <summary>Runs background work while this thread writes whatever it posts to the pump; returns the work's result.</summary>
    internal T RunPumped<T>(IReadOnlyList<HostConnection> connections, Func<PipelinePump, Task<T>> work, Action<CommandResult>? completed = null)
    {
        var pump = new PipelinePump();
        foreach (var c in connections)
        {
            c.CommandLog = line => pump.Post(() => WriteVerbose(line));
            c.CommandCompleted = completed;
        }
        try
        {
            var task = Task.Run(() => work(pump), Cancellation);
            pump.RunUntilComplete(task, Cancellation);
            if (Cancellation.IsCancellationRequested) throw new PipelineStoppedException();
            return task.GetAwaiter().GetResult();
        }
        finally
        {
            foreach (var c in connections) (c.CommandLog, c.CommandCompleted) = (null, null);
        }
    }

    /// <summary>
    /// True when this run only says what it would do: -WhatIf (but not -WhatIf:$false), or $WhatIfPreference when -WhatIf is
    /// not given. A switch is tested by its value, never by being bound: `-WhatIf:$DryRun` with $DryRun = $false runs.
    /// </summary>
    internal bool WhatIfRequested =>
        MyInvocation.BoundParameters.TryGetValue("WhatIf", out var w) ? IsOn(w)
            : LanguagePrimitives.IsTrue(SessionState.PSVariable.GetValue("WhatIfPreference"));

    /// <summary>-Confirm as given: true for -Confirm, false for -Confirm:$false, null when not given.</summary>
    private bool? ConfirmRequested => MyInvocation.BoundParameters.TryGetValue("Confirm", out var c) ? IsOn(c) : null;

    private static bool IsOn(object? value) => value switch
    {
        SwitchParameter s => s.IsPresent,
        bool b => b,
        _ => LanguagePrimitives.IsTrue(value),
    };

    /// <summary>
    /// ShouldProcess that never prompts a non-interactive session: without -Force or -Confirm:$false a change that
    /// $ConfirmPreference would prompt for is refused there with XenConfirmationRequired, rather than hanging or failing on a
    /// prompt an overnight job cannot answer. -WhatIf (or $WhatIfPreference) only reports; -Confirm asks even with -Force.
    /// </summary>
    internal bool ShouldChange(string target, string action, bool force)
    {
        if (WhatIfRequested) return ShouldProcess(target, action);
        var confirm = ConfirmRequested;
        if (confirm == false) return ShouldProcess(target, action);   // PowerShell itself turns the prompt off for -Confirm:$false
        if (confirm == true)
        {
            if (IsInteractive) return ShouldProcess(target, action);
            WriteError(ConfirmationRequired(target, action, "-Confirm asks for a prompt, and this session cannot show one. Drop -Confirm, or pass -Force."));
            return false;
        }
        // -Force means "no questions".
        if (force) return true;
        if (!IsInteractive && NeedsPrompt())
        {
            WriteError(ConfirmationRequired(target, action, "this session cannot prompt. Pass -Force (or -Confirm:$false) to go ahead."));
            return false;
        }
        return ShouldProcess(target, action);
    }

    private static ErrorRecord ConfirmationRequired(string target, string action, string why) =>
        new(new InvalidOperationException($"Changing {target} ({action}) needs confirmation: {why}"),
            XenErrorIds.ConfirmationRequired, ErrorCategory.PermissionDenied, target);

    private bool NeedsPrompt()
    {
        var attribute = (CmdletAttribute?)Attribute.GetCustomAttribute(GetType(), typeof(CmdletAttribute));
        var impact = attribute?.ConfirmImpact ?? ConfirmImpact.Medium;
        var preference = SessionState.PSVariable.GetValue("ConfirmPreference") is ConfirmImpact p ? p : ConfirmImpact.High;
        return preference != ConfirmImpact.None && impact >= preference;
    }

    /// <summary>False for pwsh -NonInteractive, redirected input, or a host without a UI (scheduled jobs, CI).</summary>
    internal bool IsInteractive =>
        !Environment.GetCommandLineArgs().Any(a => a.Equals("-NonInteractive", StringComparison.OrdinalIgnoreCase) || a.Equals("-noni", StringComparison.OrdinalIgnoreCase))
        && !Console.IsInputRedirected && Host?.UI?.RawUI is not null && Environment.UserInteractive;
}
