using Newtonsoft.Json.Linq;
using SmartDomains.Pools;

namespace SmartDomains.Portal.Server;

/// <summary>
/// The JSON API under /api/ (README in the module's Portal folder lists it). Files, validation and templates are answered
/// here from the core; plans, runs, hosts and images go to the session (<see cref="IPortalSession"/>).
/// </summary>
internal sealed class PortalApi
{
    private const string FilesPrefix = "/api/files/";
    private readonly PortalOptions _options;
    private readonly IPortalSession _session;
    private readonly PortalFiles _files;
    private readonly PortalRunApi _runs;
    private readonly Func<object> _status;

    public PortalApi(PortalOptions options, IPortalSession session, PortalFiles files, PortalRunApi runs, Func<object> status)
    {
        _options = options;
        _session = session;
        _files = files;
        _runs = runs;
        _status = status;
    }

    /// <summary>False when the path is not an API path (the caller serves the page's files).</summary>
    public async Task<bool> HandleAsync(PortalExchange x, CancellationToken ct)
    {
        var path = x.Target.RawPath;
        if (!path.StartsWith("/api/", StringComparison.Ordinal)) return false;
        var segments = path["/api/".Length..].Split('/');
        switch (x.Method, segments)
        {
            case ("GET", ["status"]): await x.JsonAsync(200, _status(), ct); break;
            case ("GET", ["files"]): await x.JsonAsync(200, new { Files = _files.List() }, ct); break;
            case ("GET", ["files", ..]): await ReadFileAsync(x, ct); break;
            case ("PUT", ["files", ..]): await SaveFileAsync(x, ct); break;
            case ("POST", ["files", ..]): await CreateFileAsync(x, ct); break;
            case ("POST", ["validate"]): await ValidateAsync(x, ct); break;
            case ("GET", ["templates"]): await TemplatesAsync(x, ct); break;
            case ("POST", ["plan"]): await PlanAsync(x, ct); break;
            case ("GET", ["hosts"]): await x.JsonAsync(200, await _session.HostsAsync(ct), ct); break;
            case ("GET", ["images"]): await ImagesAsync(x, ct); break;
            case (_, ["runs", ..]): await _runs.HandleAsync(x, segments[1..], ct); break;
            default: throw new PortalHttpException(404, $"There is no {x.Method} {path} in the portal's API.");
        }
        return true;
    }

    /// <summary>The full path of the file a /api/files/PATH request names; 404 for anything the resolver refuses.</summary>
    private string FileOf(PortalExchange x)
    {
        var relative = x.Target.DecodedAfter(FilesPrefix);
        return (relative is null ? null : _files.Resolve(relative)) ?? throw PortalHttpException.NotFound("That file");
    }

    private async Task ReadFileAsync(PortalExchange x, CancellationToken ct)
    {
        var content = _files.Read(_files.Paths.Relative(FileOf(x))) ?? throw PortalHttpException.NotFound("That file");
        await x.JsonAsync(200, content, ct);
    }

    private async Task SaveFileAsync(PortalExchange x, CancellationToken ct)
    {
        var full = FileOf(x);
        var body = await x.ReadJsonAsync(ct);
        var outcome = _files.Save(full, PortalExchange.Field(body, "text", true)!, PortalExchange.Field(body, "version", true)!);
        if (outcome.Saved) await x.JsonAsync(200, outcome, ct);
        else if (outcome.DiskText is null) throw PortalHttpException.NotFound($"'{outcome.Path}'");
        else await x.JsonAsync(409, new
        {
            Error = $"'{outcome.Path}' changed on disk since it was opened; nothing was written. Both versions are shown: keep yours, take the disk's, or merge.",
            outcome.Path, outcome.Version, outcome.DiskText,
        }, ct);
    }

    private async Task CreateFileAsync(PortalExchange x, CancellationToken ct)
    {
        var full = FileOf(x);
        var body = await x.ReadJsonAsync(ct);
        var outcome = _files.Create(full, PortalExchange.Field(body, "text", false) ?? "");
        if (outcome.Saved) await x.JsonAsync(201, outcome, ct);
        else await x.JsonAsync(409, new { Error = $"'{outcome.Path}' exists already; nothing was written.", outcome.Path, outcome.Version, outcome.DiskText }, ct);
    }

    private async Task ValidateAsync(PortalExchange x, CancellationToken ct)
    {
        var body = await x.ReadJsonAsync(ct);
        var relative = PortalExchange.Field(body, "path", true)!;
        var full = _files.Resolve(relative) ?? throw PortalHttpException.NotFound("That file");
        var errors = PoolTextValidator.Validate(PortalExchange.Field(body, "text", true)!, full, _options.TemplateSearchPath);
        await x.JsonAsync(200, new { Path = relative, Errors = errors.Select(e => DescribeError(e, full)) }, ct);
    }

    private async Task TemplatesAsync(PortalExchange x, CancellationToken ct)
    {
        var catalog = TemplateCatalog.Read(_options.ShippedTemplatesDir, _options.SiteTemplatePath, _options.Folder);
        await x.JsonAsync(200, new
        {
            Templates = catalog.Templates.Select(t => new
            {
                t.Name, t.File, t.Line, t.Source, t.Chain,
                Values = t.Values.Select(v => new { v.Path, Value = v.Json, v.File, v.Line }),
            }),
            Errors = catalog.Errors.Select(e => DescribeError(e, null)),
        }, ct);
    }

    private async Task PlanAsync(PortalExchange x, CancellationToken ct)
    {
        var body = await x.ReadJsonAsync(ct);
        var full = _files.Resolve(PortalExchange.Field(body, "path", true)!) ?? throw PortalHttpException.NotFound("That file");
        if (!File.Exists(full)) throw PortalHttpException.NotFound("That file");
        try
        {
            await x.JsonAsync(200, PlanView.Describe(await _session.PlanAsync(full, ct), _files.Paths), ct);
        }
        catch (PoolFileInvalidException ex)
        {
            throw new PortalHttpException(422, "The pool file has errors; fix them first (the editor shows them at their lines).",
                new { Errors = ex.Errors.Select(e => DescribeError(e, full)) });
        }
    }

    private async Task ImagesAsync(PortalExchange x, CancellationToken ct)
    {
        var repository = x.Target.Query("repository");
        if (string.IsNullOrWhiteSpace(repository)) throw new PortalHttpException(400, "Name a repository: ?repository=PATH.");
        await x.JsonAsync(200, new { Repository = repository, Images = await _session.ImagesAsync(repository, ct) }, ct);
    }

    /// <summary>A validator's error for the page: where (relative when under the folder), and whether it is in the edited file.</summary>
    private object DescribeError(PoolError e, string? editedFile) => new
    {
        File = RelativeOrFull(e.File), e.Line, e.Column, e.JsonPath, e.Message,
        InThisFile = editedFile is not null && Path.IsPathRooted(e.File) && string.Equals(Path.GetFullPath(e.File), editedFile, StringComparison.Ordinal),
    };

    private string RelativeOrFull(string file)
    {
        if (string.IsNullOrEmpty(file) || !Path.IsPathRooted(file)) return file;
        var relative = _files.Paths.Relative(Path.GetFullPath(file));
        return relative.StartsWith("..", StringComparison.Ordinal) ? file : relative;
    }
}
