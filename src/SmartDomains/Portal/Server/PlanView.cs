using SmartDomains.Planning;

namespace SmartDomains.Portal.Server;

/// <summary>A planned pool for the page: the picture (PoolDiagram) and, per domain, its host, start stage, windows and exact xl.cfg.</summary>
internal static class PlanView
{
    public static object Describe(XenPool pool, PortalPathResolver paths)
    {
        var stageOf = new Dictionary<string, int>(StringComparer.Ordinal);
        for (var i = 0; i < pool.Stages.Count; i++)
            foreach (var name in pool.Stages[i]) stageOf[name] = i + 1;
        return new
        {
            Pool = pool.Name,
            File = paths.Relative(pool.SourceFile),
            pool.Policy,
            pool.Hosts,
            pool.Stages,
            pool.MemoryMiB,
            Svg = PoolDiagram.RenderSvg(pool),
            Domains = pool.Domains.Select(d => new
            {
                d.Name, d.Host, Stage = stageOf.GetValueOrDefault(d.Name), d.MemoryMiB, d.VCpus, d.DependsOn, d.TemplateChain, d.Source,
                Windows = d.Schedule?.Windows ?? Array.Empty<string>(),
                d.Schedule?.TimeZone,
                Outside = d.Schedule?.Outside.ToString(),
                ConfigPath = Try(() => pool.ConfigPath(d)),
                Config = Try(() => pool.RenderConfig(d)),
            }),
        };
    }

    // One domain whose config cannot be rendered does not hide the rest of the plan.
    private static string? Try(Func<string> render)
    {
        try { return render(); }
        catch (Exception ex) when (ex is XenHostException or ArgumentException or InvalidOperationException) { return $"# not rendered: {ex.Message}"; }
    }
}
