namespace SmartDomains.Xl;

/// <summary>One row of `xl vcpu-list`.</summary>
/// <param name="Name">The domain name; null when xl printed "(null)".</param>
/// <param name="DomId">The domain id.</param>
/// <param name="VCpu">The vcpu number within the domain.</param>
/// <param name="Cpu">The physical CPU it last ran on; null when the vcpu is offline ("-").</param>
/// <param name="State">The three letters: r|- running, b|- blocked, p|- offline ("--p").</param>
/// <param name="CpuSeconds">vcpu time.</param>
/// <param name="HardAffinity">As xl prints a cpu bitmap: "all", "none" or a range list like "0-3,6" (the oldest xl
/// printed "any cpu" for all).</param>
/// <param name="SoftAffinity">Same, for the soft affinity; null before Xen 4.5, whose xl printed one affinity.</param>
public sealed record XlVcpu(string? Name, int DomId, int VCpu, int? Cpu, string State, double CpuSeconds, string HardAffinity, string? SoftAffinity)
{
    public bool Online => State.Length == 3 && State[2] != 'p';
    public bool Running => State.Length == 3 && State[0] == 'r';
    public bool Blocked => State.Length == 3 && State[1] == 'b';
}

/// <summary>
/// Parses `xl vcpu-list` (tools/xl/xl_vcpu.c): header "%-32s %5s %5s %5s %5s %9s %s", rows
/// "%-32s %5u %5u" + ("%5u %3c%c- " | "%5c %3c%cp " offline) + "%9.1f  " + "hard / soft". Rows are read from the
/// right, so long names still parse.
/// <para>Before Xen 4.5 (tools/libxl/xl_cmdimpl.c) the last column was "CPU Affinity": one bitmap, with no soft
/// affinity, which the oldest xl wrote as "any cpu" when every cpu was set. The header says which layout follows.</para>
/// </summary>
public static class XlVcpuListParser
{
    private const string Command = "xl vcpu-list";
    private static readonly string[] Header = { "Name", "ID", "VCPU", "CPU", "State", "Time(s)", "Affinity", "(Hard", "/", "Soft)" };
    private static readonly string[] HardOnlyHeader = { "Name", "ID", "VCPU", "CPU", "State", "Time(s)", "CPU", "Affinity" };

    public static IReadOnlyList<XlVcpu> Parse(string text, string host)
    {
        var lines = XlText.Lines(text);
        if (lines.Count == 0) throw XlText.Unparsable(Command, host, 0, null, "the output is empty (xl always prints a header)");
        var words = XlText.Words(lines[0]);
        bool hasSoft = words.SequenceEqual(Header);
        if (!hasSoft && !words.SequenceEqual(HardOnlyHeader))
            throw XlText.Unparsable(Command, host, 1, lines[0], "the header is not xl's 'Name ID VCPU CPU State Time(s) Affinity (Hard / Soft)' (or 'CPU Affinity' before Xen 4.5)");

        var result = new List<XlVcpu>(lines.Count - 1);
        for (int i = 1; i < lines.Count; i++)
            result.Add(ParseRow(lines[i], i + 1, hasSoft, host));
        return result;
    }

    private static XlVcpu ParseRow(string line, int lineNo, bool hasSoft, string host)
    {
        XenHostException Bad(string reason) => XlText.Unparsable(Command, host, lineNo, line, reason);

        var t = new XlText.RightTokens(line);
        string? soft = null;
        string hard;
        if (hasSoft)
        {
            if (!t.TryPop(out soft)) throw Bad("missing the soft affinity");
            if (!t.TryPop(out var slash) || slash != "/") throw Bad("the affinity is not 'hard / soft'");
            if (!t.TryPop(out hard)) throw Bad("missing the hard affinity");
        }
        else if (!TryPopHardOnly(ref t, out hard)) throw Bad("missing the CPU Affinity column");
        if (!t.TryPop(out var timeText) || !XlText.TryFixed(timeText, out var time)) throw Bad("the Time(s) column is not a number like 12.3");
        if (!t.TryPop(out var state) || state.Length != 3 || state[0] is not ('r' or '-') || state[1] is not ('b' or '-') || state[2] is not ('p' or '-'))
            throw Bad("the State column is not three letters from r b p");
        if (!t.TryPop(out var cpuText)) throw Bad("missing the CPU column");
        int? cpu = null;
        if (cpuText != "-")
        {
            if (!XlText.TryUInt(cpuText, out var c)) throw Bad("the CPU column is not a number or '-'");
            cpu = c;
        }
        if ((cpu == null) != (state[2] == 'p')) throw Bad("an offline vcpu prints CPU '-' and state '--p', an online one neither");
        if (!t.TryPop(out var vcpuText) || !XlText.TryUInt(vcpuText, out var vcpu)) throw Bad("the VCPU column is not a number");
        if (!t.TryPop(out var idText) || !XlText.TryUInt(idText, out var domid)) throw Bad("the ID column is not a number");
        string name = t.Rest();
        if (name.Length == 0) throw Bad("the Name column is empty");
        return new XlVcpu(XlText.NullableName(name), domid, vcpu, cpu, state, time, hard, soft);
    }

    /// <summary>The one affinity of a pre-4.5 row: a bitmap, or the two words "any cpu".</summary>
    private static bool TryPopHardOnly(ref XlText.RightTokens t, out string affinity)
    {
        if (!t.TryPop(out affinity)) return false;
        if (affinity == "cpu" && t.TryPeek(out var any) && any == "any")
        {
            t.TryPop(out _);
            affinity = "any cpu";
        }
        return true;
    }
}
