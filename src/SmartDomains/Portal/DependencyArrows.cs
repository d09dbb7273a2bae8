namespace SmartDomains.Portal;

/// <summary>The path of a dependency arrow: from the dependent domain's box to the box of the domain it waits for.</summary>
internal static class DependencyArrows
{
    /// <param name="fromHost">The box of the dependent domain's host.</param>
    /// <param name="toHost">The box of the other domain's host.</param>
    /// <param name="hosts">Every host box, so that an arrow can go around the ones between.</param>
    public static string PathData(Box from, Box to, Box fromHost, Box toHost, IReadOnlyList<Box> hosts)
    {
        if (fromHost == toHost)
        {
            // Stacked in one host box: a curve out to the right, so the arrow does not run through the boxes between.
            var bend = 28 + Math.Min(40, Math.Abs(to.CenterY - from.CenterY) / 8);
            return $"M {P(from.Right, from.CenterY)} C {P(from.Right + bend, from.CenterY)} {P(to.Right + bend, to.CenterY)} {P(to.Right, to.CenterY)}";
        }
        var start = Edge(from, to.CenterX, to.CenterY);
        var end = Edge(to, from.CenterX, from.CenterY);
        if (!hosts.Any(h => h != fromHost && h != toHost && Crosses(start, end, h)))
            return $"M {P(start)} L {P(end)}";
        // A straight line would cross another host: dip into the gap below the rows instead, bottom to bottom.
        var channel = Math.Max(fromHost.Bottom, toHost.Bottom) + DiagramLayout.RowGap / 2;
        return $"M {P(from.CenterX, from.Bottom)} C {P(from.CenterX, channel)} {P(to.CenterX, channel)} {P(to.CenterX, to.Bottom)}";
    }

    /// <summary>Where the line from the box's centre toward a point leaves the box.</summary>
    private static (double X, double Y) Edge(Box box, double towardX, double towardY)
    {
        var (dx, dy) = (towardX - box.CenterX, towardY - box.CenterY);
        if (dx == 0 && dy == 0) return (box.CenterX, box.CenterY);
        var t = Math.Min(dx == 0 ? double.MaxValue : box.Width / 2 / Math.Abs(dx), dy == 0 ? double.MaxValue : box.Height / 2 / Math.Abs(dy));
        return (box.CenterX + dx * t, box.CenterY + dy * t);
    }

    /// <summary>Whether the segment passes through the box (Liang-Barsky clipping).</summary>
    private static bool Crosses((double X, double Y) a, (double X, double Y) b, Box box)
    {
        var (dx, dy) = (b.X - a.X, b.Y - a.Y);
        double enter = 0, leave = 1;
        foreach (var (p, q) in new[] { (-dx, a.X - box.X), (dx, box.Right - a.X), (-dy, a.Y - box.Y), (dy, box.Bottom - a.Y) })
        {
            if (p == 0)
            {
                if (q < 0) return false;
                continue;
            }
            var r = q / p;
            if (p < 0) enter = Math.Max(enter, r);
            else leave = Math.Min(leave, r);
            if (enter > leave) return false;
        }
        return true;
    }

    private static string P((double X, double Y) point) => P(point.X, point.Y);

    private static string P(double x, double y) => SvgWriter.Number(x) + "," + SvgWriter.Number(y);
}
