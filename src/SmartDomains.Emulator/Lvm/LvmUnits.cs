using System.Globalization;

namespace SmartDomains.Emulator.Lvm;

/// <summary>
/// Sizes as LVM reads and prints them: _size_arg (lvmcmdline.c) for -L, and libdm's dm_size_to_string for
/// reports and messages (reports pass use_si_units=1: lower-case units are powers of 1024, upper-case K..E
/// powers of 1000; b/B bytes and s/S sectors print without decimals; r/R add "<" when 2 decimals round up).
/// </summary>
public static class LvmUnits
{
    public const int SuffixLong = 0, SuffixShort = 1, SuffixUnit = 2;
    private const int BaseUnknown = 0, BaseShared = 1, Base1024 = 8, Base1000 = 15, BaseSpecial = 21;

    private static readonly string[][] SizeStr =
    {
        new[] { "         ", "   ", " " },
        new[] { " Exabyte", " EB", "E" }, new[] { " Petabyte", " PB", "P" }, new[] { " Terabyte", " TB", "T" },
        new[] { " Gigabyte", " GB", "G" }, new[] { " Megabyte", " MB", "M" }, new[] { " Kilobyte", " KB", "K" },
        new[] { " Byte    ", " B", "B" },
        new[] { " Exbibyte", " EiB", "e" }, new[] { " Pebibyte", " PiB", "p" }, new[] { " Tebibyte", " TiB", "t" },
        new[] { " Gibibyte", " GiB", "g" }, new[] { " Mebibyte", " MiB", "m" }, new[] { " Kibibyte", " KiB", "k" },
        new[] { " Byte    ", " B", "b" },
        new[] { " Exabyte", " EB", "E" }, new[] { " Petabyte", " PB", "P" }, new[] { " Terabyte", " TB", "T" },
        new[] { " Gigabyte", " GB", "G" }, new[] { " Megabyte", " MB", "M" }, new[] { " Kilobyte", " kB", "K" },
        new[] { " Byte    ", " B ", "B" }, new[] { " Units   ", " Un", "U" }, new[] { " Sectors ", " Se", "S" },
    };

    /// <summary>Units accepted by --units (a single letter, as dm_units_to_factor in strict mode).</summary>
    public static bool IsValidUnit(string u) => u.Length == 1 && "hHrRbBsSkKmMgGtTpPeE".Contains(u[0]);

    private static ulong Factor(char unit) => unit switch
    {
        'b' or 'B' => 1,
        's' or 'S' => 512,
        'k' => 1UL << 10, 'm' => 1UL << 20, 'g' => 1UL << 30, 't' => 1UL << 40, 'p' => 1UL << 50, 'e' => 1UL << 60,
        'K' => 1000UL, 'M' => 1000_000UL, 'G' => 1000_000_000UL, 'T' => 1000_000_000_000UL,
        'P' => 1000_000_000_000_000UL, 'E' => 1000_000_000_000_000_000UL,
        _ => 0,
    };

    /// <summary>dm_size_to_string(mem, bytes/512, unit, use_si_units=1, 0, includeSuffix, suffixType).</summary>
    public static string Format(long bytes, char unit, bool includeSuffix, int suffixType = SuffixUnit)
    {
        int @base = BaseUnknown, s;
        for (s = 0; s < 6; s++) if (unit == SizeStr[Base1000 + s][2][0]) { @base = Base1000; break; }
        if (@base == BaseUnknown)
            for (s = 0; s < 6; s++) if (unit == SizeStr[Base1024 + s][2][0]) { @base = Base1024; break; }
        if (@base == BaseUnknown)
            for (s = 0; s < 3; s++) if (char.ToUpperInvariant(unit) == SizeStr[BaseSpecial + s][2][0]) { @base = BaseSpecial; break; }
        if (bytes == 0)
        {
            if (@base == BaseUnknown) s = 0;
            return "0" + (includeSuffix ? SizeStr[@base + s][suffixType] : "");
        }
        ulong size = (ulong)bytes, divisor;
        string prefix = "";
        if (@base != BaseUnknown) divisor = Factor(unit);
        else
        {
            ulong units = unit is 'H' or 'R' ? 1000UL : 1024UL;
            @base = units == 1000 ? Base1000 : Base1024;
            divisor = units * units * units * units * units * units;
            for (s = 0; s < 6 && size < divisor; s++) divisor /= units;
            if (s < 6 && unit is 'r' or 'R')
            {
                double d = 100.0 * size / divisor;
                if (Math.Floor(d) != Math.Round(d)) prefix = "<";
            }
            includeSuffix = true;
        }
        int precision = char.ToUpperInvariant(SizeStr[@base + s][SuffixUnit][0]) is 'B' or 'S' ? 0 : 2;
        return prefix + ((double)size / divisor).ToString("F" + precision, CultureInfo.InvariantCulture) +
            (includeSuffix ? SizeStr[@base + s][suffixType] : "");
    }

    /// <summary>display_size() in messages: current units (LVM 2.03's default "r"), short suffix: "952.00 MiB".</summary>
    public static string Display(long bytes) => Format(bytes, 'r', true, SuffixShort);

    public enum SizeError { None, NotANumber, BadSuffix, NotSectorMultiple }

    /// <summary>
    /// _size_arg: optional sign, a decimal number, an optional unit (kmgtpebs, either case, always powers of 1024;
    /// none means <paramref name="defaultFactor"/>). The result is in bytes, a whole number of 512-byte sectors.
    /// </summary>
    public static SizeError ParseSize(string text, long defaultFactor, out long bytes, out char sign, out string? hint)
    {
        bytes = 0; sign = ' '; hint = null;
        string v = text;
        if (v.StartsWith('+') || v.StartsWith('-')) { sign = v[0]; v = v[1..]; }
        if (v.Length == 0 || !(char.IsAsciiDigit(v[0]) || v[0] == '.')) return SizeError.NotANumber;
        int end = 0;
        while (end < v.Length && (char.IsAsciiDigit(v[end]) || v[end] == '.')) end++;
        if (!double.TryParse(v[..end], NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out double number))
            return SizeError.BadSuffix;
        string rest = v[end..];
        double value;
        if (rest.Length == 0) value = number * defaultFactor;
        else
        {
            if (rest.Length != 1) return SizeError.BadSuffix;
            int i = "kmgtpebs".IndexOf(char.ToLowerInvariant(rest[0]));
            if (i < 0) return SizeError.BadSuffix;
            if (i == 7) value = number * 512;
            else if (i == 6)
            {
                ulong b = (ulong)number, adj = b % 512;
                if (adj != 0)
                {
                    b += 512 - adj;
                    hint = $"Size is not a multiple of 512. Try using {b - 512} or {b}.";
                    return SizeError.NotSectorMultiple;
                }
                value = b;
            }
            else value = number * Math.Pow(1024, i + 1);
        }
        // LVM keeps sectors, rounding a fractional sector up.
        bytes = (long)Math.Ceiling(value / 512) * 512;
        return SizeError.None;
    }
}
