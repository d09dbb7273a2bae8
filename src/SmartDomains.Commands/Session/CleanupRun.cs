using System.Management.Automation;
using SmartDomains.Cleanup;
using SmartDomains.Hosts;

namespace SmartDomains.Commands.Session;

/// <summary>What Clear-XenHost and Remove-XenPool share: confirmation, -WhatIf reports, the run per host, and the errors.</summary>
internal static class CleanupRun
{
    /// <summary>-SaveImages: each managed running domain is saved into the local repository before anything of it goes.</summary>
    internal static SaveDomain SaverFor(string repository) => async (host, domain, ct) =>
        await SmartDomains.Images.ImageSaver.SaveAsync(host, domain, SmartDomains.Images.ImageStore.Local(repository), checkpoint: false, bytes: null, ct).ConfigureAwait(false);

    internal static void Run(XenCmdlet cmdlet, IReadOnlyList<(HostConnection Connection, string? Pool)> targets, string? saveImages,
        bool graceful, int timeoutSeconds, int stepTimeoutSeconds, int busyTimeoutSeconds, bool force, CancellationToken ct)
    {
        var whatIf = cmdlet.WhatIfRequested;
        var repository = saveImages is null ? null : cmdlet.GetUnresolvedProviderPathFromPSPath(saveImages);
        var connections = targets.Select(t => t.Connection).ToArray();
        var pools = targets.ToDictionary(t => t.Connection, t => t.Pool);
        CleanupOptions Options(PipelinePump? pump) => new()
        {
            Graceful = graceful,
            ShutdownTimeout = TimeSpan.FromSeconds(timeoutSeconds),
            StepTimeout = TimeSpan.FromSeconds(stepTimeoutSeconds),
            BusyTimeout = TimeSpan.FromSeconds(busyTimeoutSeconds),
            Waiting = pump is null ? null : message => pump.Post(() => cmdlet.WriteVerbose(message)),
            Save = repository is null ? null : SaverFor(repository),
            ItemDone = pump is null ? null : item => pump.Post(() => cmdlet.WriteVerbose($"{item.Action} {item.Kind} {item.Resource}: {item.Status}{(item.Message is null ? "" : " (" + item.Message + ")")}")),
        };

        if (whatIf)
        {
            var plans = cmdlet.CollectFromHosts(connections, (c, _) => new HostCleaner(c, Options(null)).PlanAsync(pools[c], ct));
            foreach (var (connection, report) in plans)
            {
                foreach (var item in report.Items)
                {
                    var target = $"{item.Kind} {item.Resource} on {connection.Name}";
                    if (item.Status == CleanupStatus.Kept) cmdlet.WriteVerbose($"{target} is kept: {item.Message}");
                    else cmdlet.ShouldProcess(target, item.Commands.Count == 0 ? "journal it as gone (no host command)" : string.Join("; ", item.Commands));
                }
                cmdlet.ShouldProcess($"the journal on {connection.Name}", report.Commands.LastOrDefault() ?? "nothing");
                Write(cmdlet, report);
            }
            return;
        }

        var what = targets.Count == 0 ? "" : targets[0].Pool is { } p ? $"remove the pool {p}: its domains, configs, disks and volumes, as the journal lists them"
            : "remove everything the SmartDomains journal lists: domains, configs, disks, volumes, base images, temp files, and the journal";
        var go = targets.Where(t => cmdlet.ShouldChange(t.Pool is null ? t.Connection.Name : $"{t.Pool} on {t.Connection.Name}", what, force)).ToArray();
        if (go.Length == 0) return;
        var results = cmdlet.CollectFromHosts(go.Select(t => t.Connection).ToArray(),
            (c, pump) => new HostCleaner(c, Options(pump)).RunAsync(pools[c], ct));
        foreach (var (_, report) in results) Write(cmdlet, report);
    }

    private static void Write(XenCmdlet cmdlet, XenCleanupReport report)
    {
        cmdlet.WriteObject(report);
        if (report.Error is not null) cmdlet.WriteError(XenCmdlet.ToErrorRecord(report.Error, report));
        foreach (var item in report.Items.Where(i => i.Status == CleanupStatus.Failed && i.Error is not null))
            cmdlet.WriteError(XenCmdlet.ToErrorRecord(item.Error!, item));
    }
}
