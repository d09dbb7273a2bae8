namespace SmartDomains.Pools;

/// <summary>Resolves dependsOn (domain, group or template names) to domains, rejects cycles, and orders the start.</summary>
public static class DependencyGraph
{
    public static IReadOnlyList<IReadOnlyList<string>> Resolve(IReadOnlyList<PoolDomain> domains, TemplateLibrary library,
        string file, PoolDiagnostics diagnostics)
    {
        // Duplicate names are reported elsewhere; the graph keeps the first of each.
        domains = domains.DistinctBy(d => d.Name, StringComparer.Ordinal).ToArray();
        var byName = domains.ToDictionary(d => d.Name, StringComparer.Ordinal);
        // dependsOn may come from a template: report where it was written.
        void Report(PoolDomain d, string message)
        {
            var at = d.Origins.TryGetValue("dependsOn", out var o) ? o : new PoolError(file, 1, 1, "", "");
            diagnostics.Add(at with { Message = message });
        }

        foreach (var domain in domains)
        {
            var resolved = new List<string>();
            foreach (var reference in domain.DependsOn)
            {
                var targets = domains.Where(d => d.Name == reference || d.GroupName == reference || d.TemplateChain.Contains(reference))
                    .Select(d => d.Name).Where(n => n != domain.Name).ToArray();
                if (targets.Length == 0)
                {
                    var known = library.Names.Concat(domains.Select(d => d.Name)).Concat(domains.Select(d => d.GroupName))
                        .Where(n => n != domain.Name && n != domain.GroupName).Distinct();
                    var hint = PoolSchema.Suggest(reference, known);
                    Report(domain,
                        $"domain '{domain.Name}' depends on '{reference}', which is no domain or template of this pool" +
                        (hint is null ? "" : $"; did you mean '{hint}'?"));
                }
                resolved.AddRange(targets);
            }
            domain.DependsOn = resolved.Distinct().ToArray();
        }

        // Kahn's algorithm in stages; whatever is left over sits on a cycle.
        var remaining = domains.ToDictionary(d => d.Name, d => new HashSet<string>(d.DependsOn));
        var stages = new List<IReadOnlyList<string>>();
        while (remaining.Count > 0)
        {
            var ready = remaining.Where(p => p.Value.Count == 0).Select(p => p.Key).OrderBy(n => n, StringComparer.Ordinal).ToArray();
            if (ready.Length == 0)
            {
                var cycle = FindCycle(remaining);
                var first = byName[cycle[0]];
                Report(first, $"dependsOn forms a cycle: {string.Join(" -> ", cycle)}");
                break;
            }
            stages.Add(ready);
            foreach (var name in ready) remaining.Remove(name);
            foreach (var deps in remaining.Values) deps.ExceptWith(ready);
        }
        return stages;
    }

    private static IReadOnlyList<string> FindCycle(Dictionary<string, HashSet<string>> graph)
    {
        var start = graph.Keys.OrderBy(k => k, StringComparer.Ordinal).First();
        var path = new List<string> { start };
        var current = start;
        while (true)
        {
            current = graph[current].Where(graph.ContainsKey).OrderBy(k => k, StringComparer.Ordinal).First();
            var at = path.IndexOf(current);
            if (at >= 0) return path.Skip(at).Append(current).ToArray();
            path.Add(current);
        }
    }
}
