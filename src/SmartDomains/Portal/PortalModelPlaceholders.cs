// PLACEHOLDER, deleted at the merge with branch portal-model, which writes the real types (the signatures agreed in
// /tmp/notes/portal-common.md). These stand-ins only let the portal server compile and run before that lands: they return
// empty results. Nothing else goes in this file.
using SmartDomains.Planning;
using SmartDomains.Pools;

namespace SmartDomains.Portal;

/// <summary>Marks a build that still has the placeholders (tests that need the real model skip on it).</summary>
public static class PortalModelPlaceholder { }

public sealed record TemplateValue(string Path, string Json, string File, int Line);

public sealed record TemplateInfo(string Name, string File, int Line, string Source, IReadOnlyList<string> Chain,
                                  IReadOnlyList<TemplateValue> Values);

public sealed record TemplateCatalogResult(IReadOnlyList<TemplateInfo> Templates, IReadOnlyList<PoolError> Errors);

public static class TemplateCatalog
{
    public static TemplateCatalogResult Read(string shippedDir, IReadOnlyList<string> searchPath, string? folder) =>
        new(Array.Empty<TemplateInfo>(), Array.Empty<PoolError>());
}

public static class PoolTextValidator
{
    public static IReadOnlyList<PoolError> Validate(string text, string filePath, IReadOnlyList<string> searchPath) =>
        Array.Empty<PoolError>();
}

public static class PoolDiagram
{
    public static string RenderSvg(XenPool pool) => "<svg xmlns=\"http://www.w3.org/2000/svg\"/>";
}
