namespace SmartDomains.Portal.Server;

/// <summary>The page's own files (the module's Portal folder), by the same resolver as the pool files; only known kinds.</summary>
internal sealed class StaticFiles
{
    private static readonly Dictionary<string, string> Types = new(StringComparer.OrdinalIgnoreCase)
    {
        [".html"] = "text/html; charset=utf-8",
        [".js"] = "text/javascript; charset=utf-8",
        [".css"] = "text/css; charset=utf-8",
        [".svg"] = "image/svg+xml",
        [".png"] = "image/png",
        [".ico"] = "image/x-icon",
        [".txt"] = "text/plain; charset=utf-8",
    };

    private readonly PortalPathResolver _paths;

    public StaticFiles(string dir) => _paths = new PortalPathResolver(dir);

    public async Task ServeAsync(PortalExchange exchange, CancellationToken cancellation)
    {
        if (exchange.Method is not ("GET" or "HEAD")) throw new PortalHttpException(405, $"{exchange.Method} is not allowed here.");
        var relative = exchange.Target.RawPath == "/" ? "index.html" : exchange.Target.DecodedAfter("/");
        var full = relative is null ? null : _paths.Resolve(relative);
        if (full is null || !File.Exists(full) || !Types.TryGetValue(Path.GetExtension(full), out var type))
            throw PortalHttpException.NotFound($"'{exchange.Target.RawPath}'");
        await exchange.BytesAsync(200, type, await File.ReadAllBytesAsync(full, cancellation).ConfigureAwait(false), cancellation).ConfigureAwait(false);
    }
}
