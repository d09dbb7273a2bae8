namespace SmartDomains.Portal;

/// <summary>The path of a dependency arrow: from the dependent domain's box to the box of the domain it waits for.</summary>
internal static class DependencyArrows
{
    public static string PathData(Box from, Box to, bool sameHost)
    {
        if (sameHost)
        {
            // Stacked in one host box: a curve out to the right, so the arrow does not run through the boxes between.
            var bend = 28 + Math.Min(40, Math.Abs(to.CenterY - from.CenterY) / 8);
            return $"M {P(from.Right, from.CenterY)} C {P(from.Right + bend, from.CenterY)} {P(to.Right + bend, to.CenterY)} {P(to.Right, to.CenterY)}";
        }
        return $"M {P(Edge(from, to.CenterX, to.CenterY))} L {P(Edge(to, from.CenterX, from.CenterY))}";
    }

    /// <summary>Where the line from the box's centre toward a point leaves the box.</summary>
    private static (double X, double Y) Edge(Box box, double towardX, double towardY)
    {
        var (dx, dy) = (towardX - box.CenterX, towardY - box.CenterY);
        if (dx == 0 && dy == 0) return (box.CenterX, box.CenterY);
        var t = Math.Min(dx == 0 ? double.MaxValue : box.Width / 2 / Math.Abs(dx), dy == 0 ? double.MaxValue : box.Height / 2 / Math.Abs(dy));
        return (box.CenterX + dx * t, box.CenterY + dy * t);
    }

    private static string P((double X, double Y) point) => P(point.X, point.Y);

    private static string P(double x, double y) => SvgWriter.Number(x) + "," + SvgWriter.Number(y);
}
