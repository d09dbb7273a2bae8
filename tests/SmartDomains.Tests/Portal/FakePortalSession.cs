using SmartDomains.Planning;
using SmartDomains.Portal.Server;

namespace SmartDomains.Tests.Portal;

/// <summary>
/// A session without PowerShell: a run says it started, sends one record per host, then waits until the test lets it end
/// (<see cref="Finish"/>), so a test can look at a run in the middle without timing anything.
/// </summary>
internal sealed class FakePortalSession : IPortalSession
{
    private readonly SemaphoreSlim _finish = new(0);

    public List<PortalRunRequest> Runs { get; } = new();
    public Exception? HostsFailure { get; set; }

    public void Finish() => _finish.Release();

    public Task<XenPool> PlanAsync(string poolFile, CancellationToken cancellation) =>
        throw new PortalSessionException("No Xen host is connected in this session.");

    public Task<PortalHosts> HostsAsync(CancellationToken cancellation) =>
        HostsFailure is null
            ? Task.FromResult(new PortalHosts(new object[] { new { Name = "emu1" } }, Array.Empty<object>(), Array.Empty<string>()))
            : Task.FromException<PortalHosts>(HostsFailure);

    public Task<IReadOnlyList<object>> ImagesAsync(string repository, CancellationToken cancellation) =>
        Task.FromResult<IReadOnlyList<object>>(new object[] { new { Name = "web-nightly", Repository = repository } });

    public Task<string> PreviewAsync(PortalRunRequest request, CancellationToken cancellation) =>
        Task.FromResult($"What if: Performing the operation \"{request.Action}\" on target \"{Path.GetFileName(request.PoolFile)}\".");

    public async Task RunAsync(PortalRunRequest request, IPortalRunEvents events, CancellationToken cancellation)
    {
        lock (Runs) Runs.Add(request);
        foreach (var host in new[] { "emu1", "emu2" })
            events.Add(new PortalRunEvent("progress", "web: Alive", host, "web", new { Activity = host }));
        events.Add(new PortalRunEvent("output", "web on emu1: Started", "emu1", "web"));
        await _finish.WaitAsync(cancellation);
        events.Add(new PortalRunEvent("error", "emu2 dropped the connection", "emu2"));
    }
}
