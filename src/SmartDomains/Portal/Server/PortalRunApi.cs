using Newtonsoft.Json.Linq;

namespace SmartDomains.Portal.Server;

/// <summary>
/// /api/runs: a preview (the run with -WhatIf, for the page's confirm step), then the run itself from that preview's id, its
/// log, its events as they happen, and a way to stop it.
/// </summary>
internal sealed class PortalRunApi
{
    private readonly IPortalSession _session;
    private readonly PortalFiles _files;
    private readonly PortalRuns _runs;

    public PortalRunApi(IPortalSession session, PortalFiles files, PortalRuns runs)
    {
        _session = session;
        _files = files;
        _runs = runs;
    }

    public async Task HandleAsync(PortalExchange x, string[] rest, CancellationToken ct)
    {
        switch (x.Method, rest)
        {
            case ("GET", []): await x.JsonAsync(200, new { Runs = _runs.All.Select(r => r.Summary()) }, ct); break;
            case ("POST", ["preview"]): await PreviewAsync(x, ct); break;
            case ("POST", []): await StartAsync(x, ct); break;
            case ("GET", [var id]): await x.JsonAsync(200, Log(RunOf(id)), ct); break;
            case ("GET", [var id, "events"]): await RunEventStream.WriteAsync(x, RunOf(id), After(x), ct); break;
            case ("DELETE", [var id]):
                var run = RunOf(id);
                run.Cancellation.Cancel();
                await x.JsonAsync(202, run.Summary(), ct);
                break;
            default: throw new PortalHttpException(404, $"There is no {x.Method} {x.Target.RawPath} in the portal's API.");
        }
    }

    private async Task PreviewAsync(PortalExchange x, CancellationToken ct)
    {
        var request = RequestOf(await x.ReadJsonAsync(ct));
        var whatIf = await _session.PreviewAsync(request, ct);
        await x.JsonAsync(200, new { PreviewId = _runs.AddPreview(request), Title = TitleOf(request), WhatIf = whatIf }, ct);
    }

    private async Task StartAsync(PortalExchange x, CancellationToken ct)
    {
        var previewId = PortalExchange.Field(await x.ReadJsonAsync(ct), "previewId", true)!;
        var request = _runs.TakePreview(previewId)
            ?? throw new PortalHttpException(404, "That preview is unknown, was used already or is older than 15 minutes: preview the run again.");
        // The run outlives the request that started it: it ends when it is done, stopped (DELETE), or the portal stops.
        var (started, inTheWay) = _runs.Start(request, TitleOf(request), (run, runCt) => _session.RunAsync(request, run, runCt));
        if (started is null)
            throw new PortalHttpException(409, $"{inTheWay!.Title} (run {inTheWay.Id}) is still running; wait for it to end, or stop it, then preview again.",
                new { Run = inTheWay.Summary() });
        await x.JsonAsync(202, started.Summary(), ct);
    }

    private PortalRunRequest RequestOf(JObject body)
    {
        var actionText = PortalExchange.Field(body, "action", true)!;
        if (!Enum.TryParse<PortalRunAction>(actionText, ignoreCase: true, out var action) || !Enum.IsDefined(action))
            throw new PortalHttpException(400, $"'{actionText}' is not a run; the runs are {string.Join(", ", Enum.GetNames<PortalRunAction>())}.");
        string? poolFile = null;
        if (action != PortalRunAction.Clear)
        {
            poolFile = _files.Resolve(PortalExchange.Field(body, "path", true)!);
            if (poolFile is null || !File.Exists(poolFile)) throw PortalHttpException.NotFound("That pool file");
        }
        var repository = PortalExchange.Field(body, "repository", action == PortalRunAction.Save);
        var hosts = body["hosts"] switch
        {
            null or { Type: JTokenType.Null } => null,
            JArray list when list.All(h => h.Type == JTokenType.String) => list.Select(h => (string)h!).ToArray(),
            _ => throw new PortalHttpException(400, "\"hosts\" must be a list of host names."),
        };
        return new PortalRunRequest(action, poolFile, repository, hosts is { Length: > 0 } ? hosts : null);
    }

    private string TitleOf(PortalRunRequest request) => request.Action switch
    {
        PortalRunAction.Clear => request.Hosts is null ? "Clear of every connected host" : $"Clear of {string.Join(", ", request.Hosts)}",
        PortalRunAction.Save => $"Save of {_files.Paths.Relative(request.PoolFile!)} to {request.Repository}",
        _ => $"{request.Action} of {_files.Paths.Relative(request.PoolFile!)}",
    };

    private PortalRun RunOf(string id) =>
        int.TryParse(id, out var number) && _runs.Get(number) is { } run ? run : throw PortalHttpException.NotFound($"Run '{id}'");

    private static object Log(PortalRun run) => new { Run = run.Summary(), Log = run.ReadFrom(0).Entries.Select(RunEventStream.Describe) };

    /// <summary>Where a reconnecting stream goes on: the browser's Last-Event-ID, or ?after=.</summary>
    private static int After(PortalExchange x) =>
        int.TryParse(x.Request.Headers["Last-Event-ID"] ?? x.Target.Query("after"), out var after) ? after : 0;
}
