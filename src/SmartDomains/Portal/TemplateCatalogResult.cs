using SmartDomains.Pools;

namespace SmartDomains.Portal;

/// <summary>The templates found, and every problem found while reading them (broken files do not stop the others).</summary>
public sealed record TemplateCatalogResult(IReadOnlyList<TemplateInfo> Templates, IReadOnlyList<PoolError> Errors);
