namespace SmartDomains.Portal;

/// <summary>A template as a pool sees it: where it is declared, what it extends, and every value it passes on.</summary>
/// <param name="Source">"shipped", "search path" or "library" (a file under the portal's folder, or one it includes).</param>
/// <param name="Chain">This template first, then what it extends, in merge order (as PoolDomain.TemplateChain).</param>
public sealed record TemplateInfo(string Name, string File, int Line, string Source, IReadOnlyList<string> Chain,
    IReadOnlyList<TemplateValue> Values)
{
    /// <summary>The template's own "description" (it is not inherited, so it is not among the values), or null.</summary>
    public string? Description { get; init; }

    /// <summary>
    /// For a template declared in a pool file: that file. Such a template is seen only by its own pool, where it overrides
    /// any library template of the same name. Null for a library template, which every pool can extend.
    /// </summary>
    public string? Pool { get; init; }
}
