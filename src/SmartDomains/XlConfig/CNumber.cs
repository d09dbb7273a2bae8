namespace SmartDomains.XlConfig;

/// <summary>C library number parsing (glibc strtol/strtoul, "C" locale), which libxlutil relies on.</summary>
public static class CNumber
{
    public static bool IsSpace(char c) => c is ' ' or '\t' or '\n' or '\v' or '\f' or '\r';

    private static int Digit(char c) =>
        c >= '0' && c <= '9' ? c - '0' :
        c >= 'a' && c <= 'z' ? c - 'a' + 10 :
        c >= 'A' && c <= 'Z' ? c - 'A' + 10 : 99;

    /// <summary>
    /// strtol(s, &amp;end, base) for base 0, 10 or 16. Returns the value; <paramref name="consumed"/> is end - s
    /// (0 when no digits were found) and <paramref name="overflow"/> is true where strtol sets ERANGE.
    /// </summary>
    public static long StrToL(string s, int fromBase, out int consumed, out bool overflow)
    {
        consumed = 0; overflow = false;
        int i = 0;
        while (i < s.Length && IsSpace(s[i])) i++;
        bool negative = false;
        if (i < s.Length && (s[i] == '+' || s[i] == '-')) { negative = s[i] == '-'; i++; }
        int b = fromBase;
        bool hexPrefix = i + 1 < s.Length && s[i] == '0' && (s[i + 1] == 'x' || s[i + 1] == 'X');
        if ((b == 0 || b == 16) && hexPrefix && i + 2 < s.Length && Digit(s[i + 2]) < 16) { i += 2; b = 16; }
        else if (b == 0) b = i < s.Length && s[i] == '0' ? 8 : 10;
        int start = i;
        ulong acc = 0; bool big = false;
        while (i < s.Length && Digit(s[i]) < b)
        {
            ulong next = acc * (ulong)b + (ulong)Digit(s[i]);
            if (acc > (ulong.MaxValue - (ulong)Digit(s[i])) / (ulong)b) big = true;
            if (!big) acc = next;
            i++;
        }
        if (i == start) return 0; // no conversion: end = s
        consumed = i;
        ulong limit = negative ? (ulong)long.MaxValue + 1 : long.MaxValue;
        if (big || acc > limit) { overflow = true; return negative ? long.MinValue : long.MaxValue; }
        return negative ? (long)(0 - acc) : (long)acc;
    }
}
