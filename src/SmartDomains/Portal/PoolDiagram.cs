using System.Xml.Linq;
using SmartDomains.Planning;
using static SmartDomains.Portal.SvgWriter;

namespace SmartDomains.Portal;

/// <summary>
/// A planned pool as a picture: one box per host with its memory, the domains inside their host's box, arrows for dependsOn,
/// each domain's start stage and its schedule windows. The portal shows it; Export-XenPoolDiagram writes it for reports.
/// </summary>
public static class PoolDiagram
{
    private const string Style = """
        .background { fill: #ffffff; }
        .pool-title { font: bold 18px sans-serif; fill: #1a1a1a; }
        .pool-note { font: 12px sans-serif; fill: #444444; }
        .host-box { fill: #f4f6f8; stroke: #5b6b7b; stroke-width: 1.5; }
        .host-name { font: bold 14px sans-serif; fill: #1a1a1a; }
        .host-memory { font: 11px sans-serif; fill: #444444; }
        .memory-free { fill: #e3e7eb; stroke: #9aa5b1; stroke-width: 0.5; }
        .memory-used { fill: #9aa5b1; }
        .memory-pool { fill: #2f7ed8; }
        .empty { font: italic 11px sans-serif; fill: #777777; }
        .domain-box { fill: #ffffff; stroke: #2f7ed8; stroke-width: 1.2; }
        .domain-name { font: bold 13px sans-serif; fill: #1a1a1a; }
        .domain-facts { font: 11px sans-serif; fill: #333333; }
        .domain-window { font: 10px monospace; fill: #6a4c00; }
        .stage circle { fill: #e08e0b; }
        .stage text { font: bold 11px sans-serif; fill: #ffffff; text-anchor: middle; }
        .dependency path { fill: none; stroke: #c0392b; stroke-width: 1.5; }
        #arrowhead path { fill: #c0392b; stroke: none; }
        """;

    /// <summary>
    /// A self-contained SVG (no script, no external reference, every text escaped) of a planned pool. Each host is a group
    /// with id "host-NAME", each domain a group with id "domain-NAME" inside its host's group, each dependency a group of
    /// class "dependency" with data-from and data-to; each has a title for hover text. The same pool gives the same text.
    /// </summary>
    public static string RenderSvg(XenPool pool)
    {
        var layout = DiagramLayout.For(pool);
        var summary = Summary(pool, layout);
        var svg = Element("svg",
            Attr("width", layout.Width), Attr("height", layout.Height), Attr("viewBox", $"0 0 {Number(layout.Width)} {Number(layout.Height)}"),
            Attr("role", "img"), Attr("aria-label", $"Pool {pool.Name}: {summary}"),
            Title($"Pool {pool.Name}: {summary}"),
            pool.Definition.Description is { } description ? Element("desc", description) : null,
            Element("style", Style),
            Element("defs", Element("marker", Attr("id", "arrowhead"), Attr("viewBox", "0 0 10 10"), Attr("refX", 10), Attr("refY", 5),
                Attr("markerWidth", 8), Attr("markerHeight", 8), Attr("orient", "auto-start-reverse"),
                Element("path", Attr("d", "M 0 0 L 10 5 L 0 10 z")))),
            Rect(new Box(0, 0, layout.Width, layout.Height), "background"),
            Header(pool, layout, summary),
            layout.Hosts.Select(Host),
            Arrows(layout));
        return Serialize(svg);
    }

    private static string Summary(XenPool pool, DiagramLayout layout)
    {
        var stages = string.Join(" \u2192 ", pool.Stages.Select(s => string.Join(", ", s)));
        return $"{Count(pool.DomainCount, "domain")} on {Count(layout.Hosts.Count, "host")}, {pool.MemoryMiB} MiB; "
            + $"{Count(pool.Stages.Count, "start stage")}: {stages}";
    }

    private static IEnumerable<XElement> Header(XenPool pool, DiagramLayout layout, string summary)
    {
        var x = DiagramLayout.Margin;
        var chars = (int)((layout.Width - 2 * x) / 6.5);
        yield return Text(x, x + 18, "pool-title", $"Pool {pool.Name}");
        var y = x + 38;
        // A title of its own group, not inside the text: the text holds nothing but what it shows.
        if (pool.Definition.Description is { } description)
        {
            yield return Element("g", Title(description), Text(x, y, "pool-note", Fit(description, chars)));
            y += 16;
        }
        yield return Element("g", Title(summary), Text(x, y, "pool-note", Fit(summary, chars)));
        yield return Text(x, y + 16, "pool-note",
            "Arrows point at the domain a domain waits for; badges are start stages; bars: grey in use, blue this pool, light free.");
    }

    private static XElement Host(HostPlacement host)
    {
        var box = host.Box;
        return Element("g", Attr("id", "host-" + host.Name), Attr("class", "host"), Attr("data-host", host.Name),
            Title(HostTitle(host)),
            Rect(box, "host-box", 6),
            Text(box.X + 12, box.Y + 22, "host-name", host.Name),
            Text(box.X + 12, box.Y + 40, "host-memory", HostMemory(host)),
            MemoryBar(host, new Box(box.X + 12, box.Y + 48, box.Width - 24, 10)),
            host.Domains.Count == 0 ? Text(box.X + 12, box.Y + DiagramLayout.HostHeaderHeight + 8, "empty", "no domain of this pool") : null,
            host.Domains.Select(d => Domain(d, host.Name, host.Domains.Count)));
    }

    private static string HostMemory(HostPlacement host) => host is { Capacity: { } c, FreeBeforeMiB: { } free }
        ? $"{c.TotalMemoryMiB} MiB total \u00b7 {free} free \u00b7 pool {host.PoolMiB}"
        : $"memory not known \u00b7 pool {host.PoolMiB} MiB";

    private static string HostTitle(HostPlacement host)
    {
        var pool = $"the pool's {Count(host.Domains.Count, "domain")} {(host.Domains.Count == 1 ? "takes" : "take")} {host.PoolMiB} MiB";
        return host is { Capacity: { } c, FreeBeforeMiB: { } free }
            ? $"{host.Name}: {c.TotalMemoryMiB} MiB total, {free} MiB free before the pool; {pool}"
              + (host.PoolMiB > free ? " (more than was free: some of them already ran when the pool was planned)" : "")
            : $"{host.Name}: {pool}";
    }

    /// <summary>The whole bar is the host's memory: what was in use before the pool, then the pool's share, then what stays free.</summary>
    private static IEnumerable<XElement> MemoryBar(HostPlacement host, Box bar)
    {
        if (host is not { Capacity.TotalMemoryMiB: > 0 and var total, FreeBeforeMiB: { } free }) yield break;
        var scale = bar.Width / total;
        var used = Math.Clamp(total - free, 0, total);
        var share = Math.Min(host.PoolMiB, total - used);
        yield return Rect(bar, "memory-free");
        yield return Element("rect", Rect(bar with { Width = used * scale }, "memory-used").Attributes(),
            Title($"in use before the pool: {used} MiB"));
        yield return Element("rect", Rect(new Box(bar.X + used * scale, bar.Y, share * scale, bar.Height), "memory-pool").Attributes(),
            Title($"this pool: {host.PoolMiB} MiB"));
    }

    private static XElement Domain(DomainPlacement placement, string host, int stages)
    {
        var (d, box) = (placement.Domain, placement.Box);
        var facts = $"{d.MemoryMiB} MiB \u00b7 {Count(d.VCpus, "vCPU")}" + (d.DependsOn.Count > 0 ? $" \u00b7 waits for {string.Join(", ", d.DependsOn)}" : "");
        return Element("g", Attr("id", "domain-" + d.Name), Attr("class", "domain"), Attr("data-domain", d.Name), Attr("data-host", host),
            Attr("data-stage", placement.Stage),
            Title(DomainTitle(placement, host)),
            Rect(box, "domain-box", 4),
            Element("g", Attr("class", "stage"), Title($"start stage {placement.Stage}"),
                Element("circle", Attr("cx", box.X + 16), Attr("cy", box.Y + 16), Attr("r", 10)),
                Text(box.X + 16, box.Y + 20, "stage-number", placement.Stage.ToString(System.Globalization.CultureInfo.InvariantCulture))),
            Text(box.X + 32, box.Y + 20, "domain-name", d.Name),
            Text(box.X + 10, box.Y + 36, "domain-facts", Fit(facts, 44)),
            placement.ScheduleLines.Select((line, i) =>
                Text(box.X + 10, box.Y + 36 + (i + 1) * DiagramLayout.LineHeight, "domain-window", Fit(line, 44))));
    }

    private static string DomainTitle(DomainPlacement placement, string host)
    {
        var d = placement.Domain;
        var parts = new List<string> { $"{d.Name} on {host}: {d.MemoryMiB} MiB, {Count(d.VCpus, "vCPU")}", $"start stage {placement.Stage}" };
        if (d.DependsOn.Count > 0) parts.Add("waits for " + string.Join(", ", d.DependsOn));
        if (d.TemplateChain.Count > 0) parts.Add("templates " + string.Join(" < ", d.TemplateChain));
        parts.AddRange(placement.ScheduleLines);
        return string.Join("; ", parts);
    }

    private static IEnumerable<XElement> Arrows(DiagramLayout layout)
    {
        var placed = layout.Hosts.SelectMany(h => h.Domains.Select(d => (Host: h.Box, Placement: d)))
            .ToDictionary(p => p.Placement.Domain.Name, StringComparer.Ordinal);
        var hosts = layout.Hosts.Select(h => h.Box).ToArray();
        foreach (var (host, from) in placed.Values)
            foreach (var target in from.Domain.DependsOn)
            {
                if (!placed.TryGetValue(target, out var to)) continue;
                yield return Element("g", Attr("class", "dependency"), Attr("data-from", from.Domain.Name), Attr("data-to", target),
                    Title($"{from.Domain.Name} waits for {target}"),
                    Element("path", Attr("d", DependencyArrows.PathData(from.Box, to.Placement.Box, host, to.Host, hosts)),
                        Attr("marker-end", "url(#arrowhead)")));
            }
    }

    private static string Count(int n, string noun) => $"{n} {noun}{(n == 1 ? "" : "s")}";
}
