using System.Globalization;
using SmartDomains.Model;

namespace SmartDomains.Xl;

/// <summary>
/// One row of `xl list`, with the optional columns that <see cref="XenDomain"/> has no room for.
/// </summary>
/// <param name="Domain">The domain, with state, reason and (for -v) uuid filled in.</param>
/// <param name="ReasonCode">-v only: libxl's numeric shutdown reason (0 poweroff .. 5 soft_reset, -1 unknown), null when "-".</param>
/// <param name="SecurityLabel">-v or -Z only: the XSM label, null when xl printed "-".</param>
/// <param name="ClaimedMiB">`xl claims` only: outstanding claimed memory.</param>
/// <param name="CpuPool">-c only: the cpupool name.</param>
/// <param name="NodeAffinity">-n only: the NUMA node affinity as xl prints it ("all", "0-1", "none").</param>
public sealed record XlListEntry(
    XenDomain Domain,
    int? ReasonCode,
    string? SecurityLabel,
    long? ClaimedMiB,
    string? CpuPool,
    string? NodeAffinity);

/// <summary>
/// Parses `xl list` (also -v, -Z, -c, -n and `xl claims`, which share the table).
/// </summary>
/// <remarks>
/// Row format (tools/xl/xl_info.c, list_domains): "%-40s %5d %5lu %5d     %c%c%c%c%c%c  %8.1f", then per option
/// " uuid %8x|-" and " %16s" (-v), " %16s" (-Z), " %5lu" (claims), "%16s" (-c), " bitmap" (-n).
/// Rows are read from the right, so a name longer than 40 characters (which shifts the columns), or one containing
/// spaces, still parses.
/// <para>State, first match wins: 'd' → Dying; reason letter 'c' (or -v reason code 3) → Crashed; 's' → Shutdown;
/// 'p' → Paused; 'r' → Running; 'b' → Blocked; all dashes ("------") → Running. Xen sets 'b' only when every vcpu
/// is blocked and 'r' when a vcpu is on a pcpu, so a domain with neither is runnable and waiting for a pcpu
/// (or has no vcpu online yet): it is alive and schedulable, which is what Running means to an operator.
/// It is not idle, so it is not Blocked.</para>
/// <para>Shutdown reason: the fifth letter is an index into "-rscwS" and xl prints index 0 (poweroff) as '-', so
/// "---s--" is a poweroff. '-' without 's' is None; '?' (unknown reason) is None. With -v the numeric
/// reason code is used instead of the letter.</para>
/// </remarks>
public static class XlListParser
{
    private const string Command = "xl list";
    private static readonly string[] BaseHeader = { "Name", "ID", "Mem", "VCPUs", "State", "Time(s)" };

    [Flags]
    private enum Columns
    {
        None = 0, Verbose = 1, Context = 2, Claim = 4, CpuPool = 8, Numa = 16,
    }

    /// <summary>Parses `xl list` output into domains.</summary>
    public static IReadOnlyList<XenDomain> Parse(string text, string host)
    {
        var entries = ParseEntries(text, host);
        var result = new XenDomain[entries.Count];
        for (int i = 0; i < result.Length; i++) result[i] = entries[i].Domain;
        return result;
    }

    /// <summary>Parses `xl list` output keeping the optional columns.</summary>
    public static IReadOnlyList<XlListEntry> ParseEntries(string text, string host)
    {
        var lines = XlText.Lines(text);
        if (lines.Count == 0)
            throw XlText.Unparsable(Command, host, 0, null, "the output is empty (xl always prints a header)");

        var columns = ParseHeader(lines[0], host);
        var result = new List<XlListEntry>(lines.Count - 1);
        for (int i = 1; i < lines.Count; i++)
            result.Add(ParseRow(lines[i], i + 1, columns, host));
        return result;
    }

    /// <summary>True when the text starts with the `xl list` header.</summary>
    public static bool LooksLikeListOutput(string? text)
    {
        var lines = XlText.Lines(text);
        if (lines.Count == 0) return false;
        var words = XlText.Words(lines[0]);
        return words.Length >= BaseHeader.Length && BaseHeader.SequenceEqual(words.Take(BaseHeader.Length));
    }

    private static Columns ParseHeader(string line, string host)
    {
        var w = XlText.Words(line);
        if (w.Length < BaseHeader.Length || !BaseHeader.SequenceEqual(w.Take(BaseHeader.Length)))
            throw XlText.Unparsable(Command, host, 1, line, "the header is not xl's 'Name ID Mem VCPUs State Time(s)'");

        var cols = Columns.None;
        int i = BaseHeader.Length;
        bool Next(params string[] expected)
        {
            if (i + expected.Length > w.Length) return false;
            for (int k = 0; k < expected.Length; k++)
                if (w[i + k] != expected[k]) return false;
            i += expected.Length;
            return true;
        }

        if (Next("UUID", "Reason-Code", "Security", "Label")) cols |= Columns.Verbose;
        else if (Next("Security", "Label")) cols |= Columns.Context;
        if (Next("Claimed")) cols |= Columns.Claim;
        if (Next("Cpupool")) cols |= Columns.CpuPool;
        if (Next("NODE", "Affinity")) cols |= Columns.Numa;
        if (i != w.Length)
            throw XlText.Unparsable(Command, host, 1, line, $"unexpected header column '{w[i]}'");
        return cols;
    }

    private static XlListEntry ParseRow(string line, int lineNo, Columns cols, string host)
    {
        XenHostException Bad(string reason) => XlText.Unparsable(Command, host, lineNo, line, reason);

        var t = new XlText.RightTokens(line);
        string? numa = null, pool = null, label = null, uuidText = null, reasonText = null;
        long? claimed = null;

        if (cols.HasFlag(Columns.Numa) && !t.TryPop(out numa)) throw Bad("missing the NODE Affinity column");
        if (cols.HasFlag(Columns.CpuPool) && !t.TryPop(out pool)) throw Bad("missing the Cpupool column");
        if (cols.HasFlag(Columns.Claim))
        {
            if (!t.TryPop(out var c) || !XlText.TryULong(c, out var cv)) throw Bad("the Claimed column is not a number");
            claimed = cv;
        }
        if (cols.HasFlag(Columns.Verbose) || cols.HasFlag(Columns.Context))
        {
            if (!t.TryPop(out label)) throw Bad("missing the Security Label column");
        }
        if (cols.HasFlag(Columns.Verbose))
        {
            if (!t.TryPop(out reasonText)) throw Bad("missing the Reason-Code column");
            if (!t.TryPop(out uuidText)) throw Bad("missing the UUID column");
        }

        if (!t.TryPop(out var timeText) || !XlText.TryFixed(timeText, out var cpu))
            throw Bad("the Time(s) column is not a number like 12.3");
        if (!t.TryPop(out var flags) || !IsStateFlags(flags))
            throw Bad("the State column is not six letters from r b p s <reason> d");
        if (!t.TryPop(out var vcpuText) || !XlText.TryUInt(vcpuText, out var vcpus))
            throw Bad("the VCPUs column is not a number");
        if (!t.TryPop(out var memText) || !XlText.TryULong(memText, out var mem))
            throw Bad("the Mem column is not a number");
        if (!t.TryPop(out var idText) || !XlText.TryUInt(idText, out var domid))
            throw Bad("the ID column is not a number");
        string name = t.Rest();
        if (name.Length == 0) throw Bad("the Name column is empty");

        Guid? uuid = null;
        if (uuidText != null)
        {
            if (uuidText.Length != 36 || !Guid.TryParseExact(uuidText, "D", out var g)) throw Bad("the UUID column is not a UUID");
            uuid = g;
        }

        int? reasonCode = null;
        if (reasonText != null && reasonText != "-")
        {
            if (!uint.TryParse(reasonText, NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out var rc))
                throw Bad("the Reason-Code column is not hexadecimal");
            reasonCode = unchecked((int)rc);
        }

        var reason = reasonCode is int code ? ReasonFromCode(code) : ReasonFromLetters(flags);
        var domain = new XenDomain
        {
            Name = XlText.NullableName(name),
            DomId = domid,
            Host = host,
            MemoryMiB = mem,
            VCpus = vcpus,
            StateFlags = flags,
            ShutdownReason = reason,
            State = StateFrom(flags, reason),
            CpuSeconds = cpu,
            Uuid = uuid,
        };
        return new XlListEntry(domain, reasonCode, label == "-" ? null : label, claimed, pool, numa);
    }

    private static bool IsStateFlags(string f) =>
        f.Length == 6 &&
        (f[0] is 'r' or '-') && (f[1] is 'b' or '-') && (f[2] is 'p' or '-') && (f[3] is 's' or '-') &&
        "-rscwS?".Contains(f[4]) && (f[5] is 'd' or '-');

    /// <summary>Maps the six state letters (and the shutdown reason) to a state. See the class remarks.</summary>
    public static DomainState StateFrom(string flags, ShutdownReason reason)
    {
        if (flags.Length != 6) return DomainState.Unknown;
        if (flags[5] == 'd') return DomainState.Dying;
        if (flags[4] == 'c' || reason == ShutdownReason.Crash) return DomainState.Crashed;
        if (flags[3] == 's') return DomainState.Shutdown;
        if (flags[2] == 'p') return DomainState.Paused;
        if (flags[0] == 'r') return DomainState.Running;
        if (flags[1] == 'b') return DomainState.Blocked;
        return DomainState.Running;
    }

    /// <summary>The reason from the letters: the fifth letter indexes "-rscwS"; '-' with 's' set is poweroff.</summary>
    public static ShutdownReason ReasonFromLetters(string flags)
    {
        if (flags.Length != 6) return ShutdownReason.None;
        return flags[4] switch
        {
            '-' => flags[3] == 's' ? ShutdownReason.Poweroff : ShutdownReason.None,
            'r' => ShutdownReason.Reboot,
            's' => ShutdownReason.Suspend,
            'c' => ShutdownReason.Crash,
            'w' => ShutdownReason.Watchdog,
            'S' => ShutdownReason.SoftReset,
            _ => ShutdownReason.None,
        };
    }

    /// <summary>libxl_shutdown_reason: 0 poweroff, 1 reboot, 2 suspend, 3 crash, 4 watchdog, 5 soft_reset.</summary>
    public static ShutdownReason ReasonFromCode(int code) => code switch
    {
        0 => ShutdownReason.Poweroff,
        1 => ShutdownReason.Reboot,
        2 => ShutdownReason.Suspend,
        3 => ShutdownReason.Crash,
        4 => ShutdownReason.Watchdog,
        5 => ShutdownReason.SoftReset,
        _ => ShutdownReason.None,
    };
}
