namespace SmartDomains.Portal;

/// <summary>One final value of a template after merging, and where it was written.</summary>
/// <param name="Path">The field's dotted path after merging: "memory", "disks[0].size", "schedule.windows".</param>
/// <param name="Json">The final value as compact JSON text.</param>
/// <param name="File">The file the value was written in (absolute path).</param>
/// <param name="Line">Its 1-based line in that file.</param>
public sealed record TemplateValue(string Path, string Json, string File, int Line);
