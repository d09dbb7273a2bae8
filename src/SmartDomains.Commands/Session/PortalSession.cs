using System.Management.Automation;
using SmartDomains.Images;
using SmartDomains.Model;
using SmartDomains.Planning;
using SmartDomains.Portal.Server;

namespace SmartDomains.Commands.Session;

/// <summary>
/// What the portal asks of the session, answered by this module's own cmdlets in a <see cref="SharedSessionRunspace"/> on
/// the session's connections: New-XenPool for a plan, Start-, Sync-, Stop-XenPool, Save-XenImage and Clear-XenHost for runs
/// (-WhatIf first, for the page's confirm step), Get-XenHost, Get-XenDomain and Get-XenImage to browse.
/// </summary>
internal sealed class PortalSession : IPortalSession, IDisposable
{
    private readonly SharedSessionRunspace _runspace;
    private readonly string _folder;

    public PortalSession(PSCmdlet caller, string folder)
    {
        _folder = folder;
        _runspace = new SharedSessionRunspace(XenCmdlet.Registry, folder, SharedSessionRunspace.ModulePreferences(caller.SessionState));
    }

    public async Task<XenPool> PlanAsync(string poolFile, CancellationToken cancellation)
    {
        var errors = new List<ErrorRecord>();
        var output = await _runspace.InvokeAsync(s => Plan(s, poolFile), new SessionStreams { Error = errors.Add }, cancellation).ConfigureAwait(false);
        // A mistake in the file is the validator's own exception, so the page shows each error at its line.
        if (errors.Select(e => e.Exception).OfType<Pools.PoolFileInvalidException>().FirstOrDefault() is { } invalid) throw invalid;
        if (output.Select(o => o.BaseObject).OfType<XenPool>().FirstOrDefault() is { } pool) return pool;
        throw new PortalSessionException(errors.Count > 0 ? string.Join(Environment.NewLine, errors.Select(e => e.Exception.Message))
            : $"New-XenPool gave no plan for {poolFile}.");
    }

    public async Task<PortalHosts> HostsAsync(CancellationToken cancellation)
    {
        var errors = new List<string>();
        var streams = new SessionStreams { Error = e => errors.Add(e.Exception.Message) };
        var hosts = await _runspace.InvokeAsync(s => s.AddCommand("Get-XenHost"), streams, cancellation).ConfigureAwait(false);
        var domains = await _runspace.InvokeAsync(s => s.AddCommand("Get-XenDomain"), streams, cancellation).ConfigureAwait(false);
        // Plain records: a XenHost carries its connection details, which the page has no need of.
        return new PortalHosts(
            hosts.Select(h => h.BaseObject).OfType<XenHost>().Select(h => (object)new
            {
                h.Name, Kind = h.Kind.ToString(), h.ComputerName, h.XenVersion, h.TotalMemoryMiB, h.FreeMemoryMiB, h.NrCpus, h.DomainCount,
            }).ToArray(),
            domains.Select(d => d.BaseObject).OfType<XenDomain>().Select(d => (object)new
            {
                d.Name, d.Host, d.DomId, State = d.State.ToString(), d.MemoryMiB, d.VCpus,
            }).ToArray(),
            errors);
    }

    public async Task<IReadOnlyList<object>> ImagesAsync(string repository, CancellationToken cancellation)
    {
        var errors = new List<string>();
        var images = await _runspace.InvokeAsync(s => s.AddCommand("Get-XenImage").AddParameter("Repository", Path.GetFullPath(repository, _folder)),
            new SessionStreams { Error = e => errors.Add(e.Exception.Message) }, cancellation).ConfigureAwait(false);
        if (errors.Count > 0) throw new PortalSessionException(string.Join(Environment.NewLine, errors));
        return images.Select(i => i.BaseObject).OfType<XenImage>().Cast<object>().ToArray();
    }

    public async Task<string> PreviewAsync(PortalRunRequest request, CancellationToken cancellation)
    {
        var lines = new List<string>();
        var streams = new SessionStreams { HostLines = lines.Add, Error = e => lines.Add("Error: " + e.Exception.Message), Warning = w => lines.Add("Warning: " + w.Message) };
        var names = await DomainNamesAsync(request, cancellation).ConfigureAwait(false);
        await _runspace.InvokeAsync(s => Build(s, request, names, whatIf: true), streams, cancellation).ConfigureAwait(false);
        return string.Join("\n", lines.Where(l => l.Length > 0));
    }

    public async Task RunAsync(PortalRunRequest request, IPortalRunEvents events, CancellationToken cancellation)
    {
        var names = await DomainNamesAsync(request, cancellation).ConfigureAwait(false);
        var streams = new SessionStreams
        {
            Output = o => events.Add(new PortalRunEvent("output", o.ToString() ?? "", Data: Describe(o.BaseObject))),
            Error = e => events.Add(new PortalRunEvent("error", e.Exception.Message, Domain: e.TargetObject?.ToString())),
            Warning = w => events.Add(new PortalRunEvent("warning", w.Message)),
            Verbose = v => events.Add(new PortalRunEvent("verbose", v.Message)),
            Information = i => events.Add(new PortalRunEvent("information", i.MessageData?.ToString() ?? "")),
            Progress = p => events.Add(Progress(p)),
            HostLines = l => events.Add(new PortalRunEvent("host", l)),
        };
        await _runspace.InvokeAsync(s => Build(s, request, names, whatIf: false), streams, cancellation).ConfigureAwait(false);
    }

    /// <summary>A host bar's record says which domain reached which state; the pool's own bar is plain progress.</summary>
    private static PortalRunEvent Progress(ProgressRecord p) =>
        p.ParentActivityId >= 0 && PoolProgress.TryReadDomainStatus(p.StatusDescription ?? "", out var domain, out var state)
            ? new PortalRunEvent("state", p.StatusDescription!, p.Activity, domain, new { State = state })
            : new PortalRunEvent("progress", $"{p.Activity}: {p.StatusDescription}", Data: new { p.PercentComplete });

    // Save names the pool's domains; the others take the pool file or the hosts as they are.
    private async Task<IReadOnlyList<string>> DomainNamesAsync(PortalRunRequest request, CancellationToken cancellation) =>
        request.Action == PortalRunAction.Save ? (await PlanAsync(request.PoolFile!, cancellation).ConfigureAwait(false)).Domains.Select(d => d.Name).ToArray() : Array.Empty<string>();

    private void Build(PowerShell shell, PortalRunRequest request, IReadOnlyList<string> names, bool whatIf)
    {
        switch (request.Action)
        {
            case PortalRunAction.Start: Plan(shell, request.PoolFile!).AddCommand("Start-XenPool"); break;
            case PortalRunAction.Stop: Plan(shell, request.PoolFile!).AddCommand("Stop-XenPool"); break;
            case PortalRunAction.Sync: shell.AddCommand("Sync-XenPool").AddParameter("Path", request.PoolFile); break;
            case PortalRunAction.Save:
                shell.AddCommand("Save-XenImage").AddParameter("Name", names.ToArray()).AddParameter("Repository", Path.GetFullPath(request.Repository!, _folder));
                break;
            case PortalRunAction.Clear:
                shell.AddCommand("Clear-XenHost");
                if (request.Hosts is { } hosts) shell.AddParameter("XenHost", hosts.ToArray());
                break;
        }
        // The page's confirm step is the confirmation: the run itself never prompts.
        if (whatIf) shell.AddParameter("WhatIf");
        else shell.AddParameter("Confirm", false);
    }

    private static PowerShell Plan(PowerShell shell, string poolFile) => shell.AddCommand("New-XenPool").AddParameter("Path", poolFile);

    private static object? Describe(object value) => value switch
    {
        Lifecycle.DomainStartResult r => new { r.Domain, r.Host, Status = r.Status.ToString(), r.Reason },
        XenImage i => new { i.Name, i.Domain, i.SourceHost, i.Created },
        _ => null,
    };

    public void Dispose() => _runspace.Dispose();
}
