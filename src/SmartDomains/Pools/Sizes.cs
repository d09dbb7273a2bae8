using System.Globalization;
using System.Text.RegularExpressions;

namespace SmartDomains.Pools;

/// <summary>Sizes with units ("512M", "16G", "1.5T", "2048" = MiB) and durations ("120s", "2m", "500ms").</summary>
public static partial class Sizes
{
    [GeneratedRegex(@"^\s*(\d+(?:\.\d+)?)\s*([KMGT]i?B?|B)?\s*$", RegexOptions.IgnoreCase)]
    private static partial Regex SizePattern();

    [GeneratedRegex(@"^\s*(\d+(?:\.\d+)?)\s*(ms|s|m|h)\s*$", RegexOptions.IgnoreCase)]
    private static partial Regex DurationPattern();

    /// <summary>Parses a size to bytes. A bare number means MiB, as in xl.cfg's memory.</summary>
    public static bool TryParseBytes(string text, out long bytes)
    {
        bytes = 0;
        var m = SizePattern().Match(text);
        if (!m.Success) return false;
        var value = decimal.Parse(m.Groups[1].Value, CultureInfo.InvariantCulture);
        var unit = m.Groups[2].Success ? char.ToUpperInvariant(m.Groups[2].Value[0]) : 'M';
        decimal factor = unit switch { 'B' => 1, 'K' => 1L << 10, 'M' => 1L << 20, 'G' => 1L << 30, 'T' => 1L << 40, _ => 0 };
        var result = value * factor;
        if (result <= 0 || result > MaxBytes) return false;
        bytes = (long)Math.Ceiling(result);
        return true;
    }

    public static bool TryParseDuration(string text, out TimeSpan duration)
    {
        duration = default;
        var m = DurationPattern().Match(text);
        if (!m.Success) return false;
        var value = double.Parse(m.Groups[1].Value, CultureInfo.InvariantCulture);
        duration = m.Groups[2].Value.ToLowerInvariant() switch
        {
            "ms" => TimeSpan.FromMilliseconds(value),
            "s" => TimeSpan.FromSeconds(value),
            "m" => TimeSpan.FromMinutes(value),
            _ => TimeSpan.FromHours(value),
        };
        return duration > TimeSpan.Zero;
    }

    /// <summary>"8h", "90m", "45s": the largest unit that divides it, as the language writes durations.</summary>
    public static string FormatDuration(TimeSpan d) =>
        d.TotalHours >= 1 && d.TotalHours % 1 == 0 ? $"{d.TotalHours:0}h"
        : d.TotalMinutes >= 1 && d.TotalMinutes % 1 == 0 ? $"{d.TotalMinutes:0}m"
        : d.TotalSeconds % 1 == 0 ? $"{d.TotalSeconds:0}s" : $"{d.TotalMilliseconds:0}ms";

    /// <summary>The largest size the language takes: 1 PiB, far beyond any host, well inside a long.</summary>
    public const long MaxBytes = 1L << 50;

    public static string NotASize(string text) => $"'{text}' is not a size; write a positive number with a unit, such as \"512M\", \"16G\" or \"1T\" (at most 1P)";
    public static string NotADuration(string text) => $"'{text}' is not a duration; write a number with ms, s, m or h, such as \"120s\"";

    public static long ToMiB(long bytes) => (bytes + (1L << 20) - 1) >> 20;

    public static string Format(long bytes) =>
        bytes % (1L << 30) == 0 ? $"{bytes >> 30}G" : bytes % (1L << 20) == 0 ? $"{bytes >> 20}M" : $"{bytes}B";
}
