using System.Globalization;

namespace SmartDomains.Tests.Parsers;

/// <summary>Sample xl output: the files under Samples/xl (made with printf and xl's own formats) and row builders.</summary>
internal static class XlSamples
{
    public const string Host = "xenhost01";

    public static string Read(string name) =>
        File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "Samples", "xl", name));

    public const string ListHeader = "Name                                        ID   Mem VCPUs\tState\tTime(s)";

    /// <summary>"%-40s %5d %5lu %5d     %c%c%c%c%c%c  %8.1f"</summary>
    public static string ListRow(string name, int id, long mem, int vcpus, string flags, double time) =>
        string.Format(CultureInfo.InvariantCulture, "{0,-40} {1,5} {2,5} {3,5}     {4}  {5,8:F1}", name, id, mem, vcpus, flags, time);

    public static string List(params string[] rows) => ListHeader + "\n" + string.Join("\n", rows) + "\n";

    /// <summary>"%-23s: %s"</summary>
    public static string InfoLine(string key, string value) => $"{key,-23}: {value}";

    /// <summary>"%-33s %4d %s"</summary>
    public static string UptimeRow(string name, int id, string uptime) =>
        string.Format(CultureInfo.InvariantCulture, "{0,-33} {1,4} {2}", name, id, uptime);

    public static string WithCrLf(string text) => text.Replace("\n", "\r\n");
}
