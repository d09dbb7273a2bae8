using SmartDomains.Planning;
using SmartDomains.Pools;

namespace SmartDomains.Portal;

/// <summary>A rectangle of the diagram, in SVG user units.</summary>
internal readonly record struct Box(double X, double Y, double Width, double Height)
{
    public double CenterX => X + Width / 2;
    public double CenterY => Y + Height / 2;
    public double Right => X + Width;
    public double Bottom => Y + Height;
}

/// <param name="Stage">The 1-based start stage.</param>
/// <param name="ScheduleLines">One line per window, then what happens outside them; empty for a domain that always runs.</param>
internal sealed record DomainPlacement(PoolDomain Domain, int Stage, Box Box, IReadOnlyList<string> ScheduleLines);

/// <param name="Capacity">What placement knew of the host, or null when the plan has no capacity for it.</param>
/// <param name="PoolMiB">The memory of the pool's domains on this host.</param>
/// <param name="RunningMiB">The part of it that runs now (a pool from Get-XenPool): already missing from the host's free memory.</param>
internal sealed record HostPlacement(string Name, HostCapacity? Capacity, long PoolMiB, long RunningMiB, Box Box, IReadOnlyList<DomainPlacement> Domains)
{
    /// <summary>What was free on the host without this pool, or null when its capacity is not known.</summary>
    public long? FreeBeforeMiB => Capacity is null ? null : Capacity.FreeMemoryMiB + RunningMiB;
}

/// <summary>
/// Where everything of a pool diagram goes: hosts side by side (a new row after four), each host's domains stacked in its
/// box in the pool's order. Pure arithmetic on the plan, so the same pool always gives the same picture.
/// </summary>
internal sealed record DiagramLayout(double Width, double Height, IReadOnlyList<HostPlacement> Hosts)
{
    public const double Margin = 24, HeaderHeight = 88;
    public const double HostWidth = 300, HostGap = 56, RowGap = 32, HostsPerRow = 4;
    public const double HostHeaderHeight = 70, HostPadding = 12, DomainGap = 10, EmptyHostHeight = 96;
    public const double DomainBaseHeight = 42, LineHeight = 14;
    public const double MinWidth = 640;

    public static DiagramLayout For(XenPool pool)
    {
        var stages = new Dictionary<string, int>(StringComparer.Ordinal);
        for (var i = 0; i < pool.Stages.Count; i++)
            foreach (var name in pool.Stages[i]) stages[name] = i + 1;
        var capacities = pool.HostCapacities.ToDictionary(h => h.Name, StringComparer.OrdinalIgnoreCase);
        var names = pool.HostCapacities.Select(h => h.Name).Concat(pool.Domains.Select(d => d.Host).OfType<string>())
            .Distinct(StringComparer.OrdinalIgnoreCase).Order(StringComparer.Ordinal).ToArray();

        var hosts = new List<HostPlacement>();
        var rowTop = Margin + HeaderHeight;
        for (var row = 0; row * HostsPerRow < names.Length; row++)
        {
            var inRow = names.Skip(row * (int)HostsPerRow).Take((int)HostsPerRow).ToArray();
            var placed = inRow.Select((name, column) => Place(name, capacities.GetValueOrDefault(name),
                pool.Domains.Where(d => string.Equals(d.Host, name, StringComparison.OrdinalIgnoreCase)).ToArray(),
                Margin + column * (HostWidth + HostGap), rowTop, stages, pool.LiveStates)).ToArray();
            // A row is as tall as its tallest host, and every host of the row is drawn that tall.
            var height = placed.Max(h => h.Box.Height);
            hosts.AddRange(placed.Select(h => h with { Box = h.Box with { Height = height } }));
            rowTop += height + RowGap;
        }
        var columns = Math.Max(1, Math.Min(names.Length, (int)HostsPerRow));
        var width = Math.Max(MinWidth, 2 * Margin + columns * HostWidth + (columns - 1) * HostGap);
        var bottom = hosts.Count == 0 ? rowTop : rowTop - RowGap;
        return new DiagramLayout(width, bottom + Margin, hosts);
    }

    private static HostPlacement Place(string name, HostCapacity? capacity, IReadOnlyList<PoolDomain> domains, double x, double y,
        IReadOnlyDictionary<string, int> stages, IReadOnlyDictionary<string, Model.XenDomain?> live)
    {
        var placed = new List<DomainPlacement>();
        var top = y + HostHeaderHeight;
        foreach (var domain in domains)
        {
            var lines = ScheduleLines(domain.Schedule);
            var box = new Box(x + HostPadding, top, HostWidth - 2 * HostPadding, DomainBaseHeight + lines.Count * LineHeight);
            placed.Add(new DomainPlacement(domain, stages.GetValueOrDefault(domain.Name), box, lines));
            top = box.Y + box.Height + DomainGap;
        }
        var height = domains.Count == 0 ? EmptyHostHeight : top - y - DomainGap + HostPadding;
        var running = domains.Where(d => live.GetValueOrDefault(d.Name) is not null).Sum(d => d.MemoryMiB);
        return new HostPlacement(name, capacity, domains.Sum(d => d.MemoryMiB), running, new Box(x, y, HostWidth, height), placed);
    }

    private static IReadOnlyList<string> ScheduleLines(DomainSchedule? schedule) =>
        schedule is null ? Array.Empty<string>()
            : schedule.Windows.Select(w => "runs " + w)
                .Append($"outside: {schedule.Outside.ToString().ToLowerInvariant()} ({schedule.TimeZone ?? "local time"})").ToArray();
}
