using System.Management.Automation;
using System.Management.Automation.Runspaces;
using SmartDomains.Hosts;

namespace SmartDomains.Commands.Session;

/// <summary>What a <see cref="SharedSessionRunspace"/> hands on while a command runs, each record as it comes (from the runspace's thread).</summary>
internal sealed class SessionStreams
{
    public Action<PSObject>? Output { get; init; }
    public Action<ErrorRecord>? Error { get; init; }
    public Action<WarningRecord>? Warning { get; init; }
    public Action<VerboseRecord>? Verbose { get; init; }
    public Action<InformationRecord>? Information { get; init; }
    public Action<ProgressRecord>? Progress { get; init; }
    /// <summary>Lines written to the host itself (-WhatIf's "What if:" lines).</summary>
    public Action<string>? HostLines { get; init; }
}

/// <summary>
/// A runspace that works for a session in the background (the portal's runs; a job): the module imported from its own
/// folder, and its connection cache the session's own HostRegistry, so its cmdlets act on the session's connected hosts
/// without reconnecting, and a host connected later in the session is there too. It runs one command at a time;
/// <see cref="InvokeAsync"/> pipes its input in and hands every stream on as records arrive.
/// </summary>
internal sealed class SharedSessionRunspace : IDisposable
{
    private readonly Runspace _runspace;
    private readonly CapturingHost _host = new();
    private readonly SemaphoreSlim _one = new(1, 1);

    /// <param name="registry">The session's connection cache (RunspaceHostCache.Current on the session's thread).</param>
    /// <param name="location">The current folder the commands start in.</param>
    /// <param name="variables">Variables to set first: the session's $SmartDomains* preferences, $VerbosePreference, ...</param>
    public SharedSessionRunspace(HostRegistry registry, string location, IReadOnlyDictionary<string, object?> variables)
    {
        var state = InitialSessionState.CreateDefault2();
        state.ImportPSModule(new[] { Path.Combine(ModulePaths.ModuleDir, "SmartDomains.psd1") });
        foreach (var (name, value) in variables) state.Variables.Add(new SessionStateVariableEntry(name, value, ""));
        _runspace = RunspaceFactory.CreateRunspace(_host, state);
        _runspace.Open();
        RunspaceHostCache.Share(_runspace, registry);
        _runspace.SessionStateProxy.Path.SetLocation(WildcardPattern.Escape(location));
    }

    /// <summary>The variables worth carrying from a session: the module's preferences (HostSettings), as they are now.</summary>
    public static Dictionary<string, object?> ModulePreferences(SessionState session)
    {
        var result = new Dictionary<string, object?>(StringComparer.OrdinalIgnoreCase);
        foreach (var name in new[] { "SmartDomainsImageRepository", "SmartDomainsLogPath" })
            if (session.PSVariable.Get(name) is { } variable) result[name] = variable.Value;
        return result;
    }

    /// <summary>
    /// Runs what <paramref name="build"/> adds (AddCommand/AddParameter; values never pasted into script text) and returns
    /// its output. Cancelling stops the pipeline as Ctrl-C would. A terminating error comes back as the exception the cmdlet
    /// threw, not PowerShell's wrapper.
    /// </summary>
    public async Task<IReadOnlyList<PSObject>> InvokeAsync(Action<PowerShell> build, SessionStreams streams, CancellationToken cancellation,
        IReadOnlyList<object>? input = null)
    {
        await _one.WaitAsync(cancellation).ConfigureAwait(false);
        using var shell = PowerShell.Create();
        shell.Runspace = _runspace;
        build(shell);
        Forward(shell.Streams.Error, streams.Error);
        Forward(shell.Streams.Warning, streams.Warning);
        Forward(shell.Streams.Verbose, streams.Verbose);
        Forward(shell.Streams.Information, streams.Information);
        Forward(shell.Streams.Progress, streams.Progress);
        var output = new PSDataCollection<PSObject>();
        Forward(output, streams.Output);
        _host.Lines = streams.HostLines;
        try
        {
            using var stop = cancellation.Register(() => shell.BeginStop(_ => { }, null));
            var pipelineInput = new PSDataCollection<object>(input ?? Array.Empty<object>());
            pipelineInput.Complete();
            var async = shell.BeginInvoke(pipelineInput, output);
            await Task.Factory.FromAsync(async, shell.EndInvoke).ConfigureAwait(false);
            cancellation.ThrowIfCancellationRequested();
            return output.ToArray();
        }
        catch (PipelineStoppedException) when (cancellation.IsCancellationRequested)
        {
            throw new OperationCanceledException(cancellation);
        }
        catch (RuntimeException ex) when (ex.ErrorRecord?.Exception is { } inner && !ReferenceEquals(inner, ex))
        {
            throw Unwrap(inner);
        }
        finally
        {
            _host.Lines = null;
            _one.Release();
        }
    }

    // -ErrorAction Stop wraps the cmdlet's own error once more.
    private static Exception Unwrap(Exception ex) =>
        ex is RuntimeException { ErrorRecord.Exception: { } inner } && !ReferenceEquals(inner, ex) ? Unwrap(inner) : ex;

    private static void Forward<T>(PSDataCollection<T> collection, Action<T>? handler)
    {
        if (handler is null) return;
        collection.DataAdded += (_, e) => handler(collection[e.Index]);
    }

    public void Dispose()
    {
        _runspace.Dispose();
        _one.Dispose();
    }
}
