using System.Text.RegularExpressions;

namespace SmartDomains.Xl;

/// <summary>The xl failures the module recognises.</summary>
public enum XlErrorKind
{
    /// <summary>A non-zero exit with no message we know.</summary>
    Unknown,
    /// <summary>"NAME is an invalid domain identifier (rc=-6)" (find_domain).</summary>
    InvalidDomainIdentifier,
    /// <summary>"Error: Domain 'N' does not exist." (xl list N) or "Domain N does not exist." (vcpu-set).</summary>
    DomainDoesNotExist,
    /// <summary>"Can't get domid of domain name 'NAME', maybe this domain does not exist." (xl domid).</summary>
    CannotGetDomId,
    /// <summary>"Can't get domain name of domain id 'N', maybe this domain does not exist." (xl domname).</summary>
    CannotGetDomainName,
    /// <summary>"failed to free memory for the domain" (create/restore with autoballoon).</summary>
    OutOfMemory,
    /// <summary>libxl: "Domain with name "NAME" already exists."</summary>
    NameExists,
    /// <summary>libxl: "Disk vdev=xvda failed to stat: PATH: ERRNO".</summary>
    DiskStatFailed,
    /// <summary>"Failed to read config file: FILE: ERRNO".</summary>
    ConfigReadFailed,
    /// <summary>libxlutil: "FILE:LINE: config parsing error near `TOKEN': MESSAGE".</summary>
    ConfigParseError,
    /// <summary>"Failed to parse config: ..." or "Domain name must be specified."</summary>
    ConfigInvalid,
    /// <summary>"command not implemented" (unknown subcommand).</summary>
    CommandNotImplemented,
    /// <summary>"option `x' not supported."</summary>
    OptionNotSupported,
    /// <summary>"'xl CMD' requires at least N argument(s)."</summary>
    MissingArguments,
    /// <summary>"You must specify -a or a domain id." (shutdown/reboot).</summary>
    DomainNotSpecified,
    /// <summary>"shutdown failed (rc=N)".</summary>
    ShutdownFailed,
    /// <summary>"reboot failed (rc=N)".</summary>
    RebootFailed,
    /// <summary>"destroy failed (rc=N)".</summary>
    DestroyFailed,
    /// <summary>"Not destroying domain 0; use -f to force."</summary>
    Domain0Refused,
    /// <summary>"PV control interface not available: external graceful shutdown|reboot not possible."</summary>
    NoPvControl,
    /// <summary>"guest didn't acknowledge control request: N".</summary>
    GuestDidNotAcknowledge,
    /// <summary>"Failed to save domain, resuming domain" or "Failed to open temp file FILE for writing".</summary>
    SaveFailed,
    /// <summary>"File has wrong magic number - corrupt or for a different tool?" (restore).</summary>
    WrongMagicNumber,
    /// <summary>"Can't open restore file: ERRNO".</summary>
    RestoreFileOpenFailed,
    /// <summary>"cannot init xl context" and friends: no hypervisor, no privilege, no xenstored.</summary>
    ToolstackUnavailable,
    /// <summary>Another "libxl: error: ..." line.</summary>
    LibxlError,
}

/// <summary>A classified xl failure.</summary>
public sealed class XlError
{
    public XlErrorKind Kind { get; init; }
    /// <summary>xl's own line; for libxl lines, without "libxl: error: file.c:NNN:func: " and "Domain N:".</summary>
    public string Message { get; init; } = "";
    /// <summary>The domain the error is about, as named in the message or on the command line (a name or an id).</summary>
    public string? Domain { get; init; }
    /// <summary>The domain id from a libxl "Domain N:" prefix, or a numeric <see cref="Domain"/>.</summary>
    public int? DomId { get; init; }
    /// <summary>The libxl return code, from "(rc=N)", "cannot make domain: N" or "guest didn't acknowledge…: N".</summary>
    public int? Rc { get; init; }
    public int ExitCode { get; init; }
    /// <summary>The xl subcommand (create, list, …), or null when argv had none.</summary>
    public string? Command { get; init; }
    /// <summary>A file the message names: the config file, the disk target, the save file.</summary>
    public string? Path { get; init; }
    /// <summary>ConfigParseError: the config line.</summary>
    public int? Line { get; init; }
    /// <summary>The libxl function, for libxl lines (e.g. libxl__domain_rename).</summary>
    public string? LibxlFunction { get; init; }
    /// <summary>Every non-empty stderr line, in order, unchanged.</summary>
    public IReadOnlyList<string> StdErrLines { get; init; } = Array.Empty<string>();

    public override string ToString() => $"{Kind}: {Message}";

    /// <summary>The error id, category and recommended action the module uses for this kind.</summary>
    public XenHostException ToException(string? host)
    {
        var (id, category, action) = Kind switch
        {
            XlErrorKind.InvalidDomainIdentifier or XlErrorKind.DomainDoesNotExist or XlErrorKind.CannotGetDomId
                or XlErrorKind.CannotGetDomainName =>
                (XenErrorIds.DomainNotFound, XenErrorCategory.ObjectNotFound, "Check the domain name with Get-XenDomain."),
            XlErrorKind.OutOfMemory => (XenErrorIds.XlCommandFailed, XenErrorCategory.ResourceUnavailable,
                "Free memory on the host (stop or shrink domains) or place the domain on another host."),
            XlErrorKind.NameExists => (XenErrorIds.XlCommandFailed, XenErrorCategory.ResourceExists,
                "Choose another name or remove the existing domain."),
            XlErrorKind.DiskStatFailed => (XenErrorIds.XlCommandFailed, XenErrorCategory.ObjectNotFound,
                "Create the disk image or volume first."),
            XlErrorKind.ConfigReadFailed or XlErrorKind.RestoreFileOpenFailed => (XenErrorIds.XlCommandFailed, XenErrorCategory.ObjectNotFound, (string?)null),
            XlErrorKind.ConfigParseError or XlErrorKind.ConfigInvalid or XlErrorKind.WrongMagicNumber =>
                (XenErrorIds.XlCommandFailed, XenErrorCategory.InvalidData, null),
            XlErrorKind.CommandNotImplemented or XlErrorKind.OptionNotSupported or XlErrorKind.MissingArguments
                or XlErrorKind.DomainNotSpecified or XlErrorKind.Domain0Refused =>
                (XenErrorIds.XlCommandFailed, XenErrorCategory.InvalidArgument, null),
            XlErrorKind.GuestDidNotAcknowledge => (XenErrorIds.XlCommandFailed, XenErrorCategory.OperationTimeout,
                "The guest did not react to the request; use Stop-XenDomain -Force to destroy it."),
            XlErrorKind.NoPvControl => (XenErrorIds.XlCommandFailed, XenErrorCategory.InvalidOperation,
                "The guest has no PV drivers; use -F (ACPI event) or destroy it."),
            XlErrorKind.ToolstackUnavailable => (XenErrorIds.XlCommandFailed, XenErrorCategory.ResourceUnavailable,
                "Run xl as root on a dom0 with the Xen hypervisor and xencommons running."),
            _ => (XenErrorIds.XlCommandFailed, XenErrorCategory.NotSpecified, null),
        };
        string what = Command is null ? "xl" : $"xl {Command}";
        return new XenHostException(id, category, host, $"{what} failed on host '{host}': {Message}") { RecommendedAction = action };
    }
}

/// <summary>
/// Recognises xl's known failure messages in stderr (tools/xl/*.c, libxl, libxlutil) without depending on libxl's
/// file:line prefixes, which change between Xen versions.
/// </summary>
public static partial class XlErrorClassifier
{
    // libxl: <level>: <file>.c:<line>:<func>: [Domain N:]<message>
    [GeneratedRegex(@"^libxl: (?<level>error|critical|warning|notice|info|debug|verbose): (?<file>[^:\s]+\.[ch]):(?<line>\d+):(?<func>[^:]*): (?:Domain (?<domid>\d+):)?(?<msg>.*)$", RegexOptions.CultureInvariant)]
    private static partial Regex LibxlLine();

    [GeneratedRegex(@"^(?<dom>.+) is an invalid domain identifier(?: \(rc=(?<rc>-?\d+)\))?$", RegexOptions.CultureInvariant)]
    private static partial Regex InvalidDomain();
    [GeneratedRegex(@"^Error: Domain '(?<dom>.*)' does not exist\.$", RegexOptions.CultureInvariant)]
    private static partial Regex ListNoDomain();
    [GeneratedRegex(@"^Domain (?<dom>\d+) does not exist\.$", RegexOptions.CultureInvariant)]
    private static partial Regex VcpuNoDomain();
    [GeneratedRegex(@"^Can't get domid of domain name '(?<dom>.*)', maybe this domain does not exist\.$", RegexOptions.CultureInvariant)]
    private static partial Regex NoDomId();
    [GeneratedRegex(@"^Can't get domain name of domain id '(?<dom>\d+)', maybe this domain does not exist\.$", RegexOptions.CultureInvariant)]
    private static partial Regex NoDomName();
    [GeneratedRegex(@"failed to free memory for the domain", RegexOptions.CultureInvariant)]
    private static partial Regex FreeMem();
    [GeneratedRegex(@"Domain with name ""(?<dom>.*)"" already exists\.?$", RegexOptions.CultureInvariant)]
    private static partial Regex NameExists();
    [GeneratedRegex(@"^Disk vdev=(?<vdev>\S*) failed to stat: (?<path>.*?)(?:: (?<errno>[^:]+))?$", RegexOptions.CultureInvariant)]
    private static partial Regex DiskStat();
    [GeneratedRegex(@"^Failed to read config file: (?<path>.*?)(?:: (?<errno>[^:]+))?$", RegexOptions.CultureInvariant)]
    private static partial Regex ConfigRead();
    [GeneratedRegex(@"^(?<path>.+?):(?<line>\d+): config parsing error near (?:`(?<near>.*)'|(?<near><newline>))?: (?<msg>.*)$", RegexOptions.CultureInvariant)]
    private static partial Regex ConfigParse();
    [GeneratedRegex(@"^(?:Failed to parse config(?: file)?: .*|Domain name must be specified\.?)$", RegexOptions.CultureInvariant)]
    private static partial Regex ConfigInvalid();
    [GeneratedRegex(@"^command not implemented$", RegexOptions.CultureInvariant)]
    private static partial Regex NotImplemented();
    [GeneratedRegex(@"^option `(?<opt>.)' not supported\.$", RegexOptions.CultureInvariant)]
    private static partial Regex BadOption();
    [GeneratedRegex(@"^'xl (?<cmd>[^']+)' requires at least (?<n>\d+) arguments?\.$", RegexOptions.CultureInvariant)]
    private static partial Regex MissingArgs();
    [GeneratedRegex(@"^You must specify -a or a domain id\.$", RegexOptions.CultureInvariant)]
    private static partial Regex MustSpecify();
    [GeneratedRegex(@"^(?<what>shutdown|reboot|destroy) failed \(rc=(?<rc>-?\d+)\)$", RegexOptions.CultureInvariant)]
    private static partial Regex OpFailed();
    [GeneratedRegex(@"^Not destroying domain 0; use -f to force\.$", RegexOptions.CultureInvariant)]
    private static partial Regex NotDom0();
    [GeneratedRegex(@"^PV control interface not available: external graceful (?:shutdown|reboot) not possible\.$", RegexOptions.CultureInvariant)]
    private static partial Regex NoPv();
    [GeneratedRegex(@"guest didn't acknowledge control request: (?<rc>-?\d+)", RegexOptions.CultureInvariant)]
    private static partial Regex NoAck();
    [GeneratedRegex(@"^(?:Failed to save domain, resuming domain|Failed to open temp file (?<path>.+) for writing)$", RegexOptions.CultureInvariant)]
    private static partial Regex SaveFailed();
    [GeneratedRegex(@"^File has wrong magic number - corrupt or for a different tool\?$", RegexOptions.CultureInvariant)]
    private static partial Regex WrongMagic();
    [GeneratedRegex(@"^Can't open restore file: (?<errno>.*)$", RegexOptions.CultureInvariant)]
    private static partial Regex RestoreOpen();
    [GeneratedRegex(@"^(?:cannot init xl context|xencall: error: Could not obtain handle on privileged command interface.*|.*cannot open libxc handle.*)$", RegexOptions.CultureInvariant)]
    private static partial Regex NoToolstack();
    [GeneratedRegex(@"\(rc=(?<rc>-?\d+)\)|cannot make domain: (?<rc>-?\d+)$", RegexOptions.CultureInvariant)]
    private static partial Regex AnyRc();

    private sealed record Candidate(XlErrorKind Kind, int Priority, int Index, string Message, Match Match, string? Func, int? DomId);

    // Lower is more specific. The cause beats its consequences (e.g. "already exists" beats "cannot make domain").
    private static readonly (XlErrorKind Kind, Func<Regex> Pattern)[] Patterns =
    {
        (XlErrorKind.ToolstackUnavailable, NoToolstack),
        (XlErrorKind.ConfigParseError, ConfigParse),
        (XlErrorKind.ConfigReadFailed, ConfigRead),
        (XlErrorKind.ConfigInvalid, ConfigInvalid),
        (XlErrorKind.NameExists, NameExists),
        (XlErrorKind.DiskStatFailed, DiskStat),
        (XlErrorKind.OutOfMemory, FreeMem),
        (XlErrorKind.InvalidDomainIdentifier, InvalidDomain),
        (XlErrorKind.DomainDoesNotExist, ListNoDomain),
        (XlErrorKind.DomainDoesNotExist, VcpuNoDomain),
        (XlErrorKind.CannotGetDomId, NoDomId),
        (XlErrorKind.CannotGetDomainName, NoDomName),
        (XlErrorKind.CommandNotImplemented, NotImplemented),
        (XlErrorKind.OptionNotSupported, BadOption),
        (XlErrorKind.MissingArguments, MissingArgs),
        (XlErrorKind.DomainNotSpecified, MustSpecify),
        (XlErrorKind.Domain0Refused, NotDom0),
        (XlErrorKind.NoPvControl, NoPv),
        (XlErrorKind.GuestDidNotAcknowledge, NoAck),
        (XlErrorKind.ShutdownFailed, OpFailed),
        (XlErrorKind.WrongMagicNumber, WrongMagic),
        (XlErrorKind.RestoreFileOpenFailed, RestoreOpen),
        (XlErrorKind.SaveFailed, SaveFailed),
    };

    private static readonly HashSet<string> GlobalOptions = new(StringComparer.Ordinal) { "-v", "-N", "-f", "-t", "-vv", "-vvv" };

    /// <summary>
    /// Classifies a finished xl command. Returns null when the exit code is 0 and stderr holds no error
    /// (xl pause/unpause exit 0 even when libxl fails, so a "libxl: error:" line still yields an error then).
    /// </summary>
    /// <param name="argv">The command line, with or without a leading "xl" (and xl's global options).</param>
    public static XlError? Classify(IReadOnlyList<string> argv, int exitCode, string? stderr)
    {
        var lines = XlText.Lines(stderr).Select(l => l.TrimEnd()).Where(l => l.Length > 0).ToList();
        var (command, positional) = SplitArgv(argv);

        Candidate? best = null;
        Candidate? firstLibxlError = null;
        for (int i = 0; i < lines.Count; i++)
        {
            string raw = lines[i];
            string text = raw;
            string? func = null;
            int? domid = null;
            bool isLibxlError = false;
            var lm = LibxlLine().Match(raw);
            if (lm.Success)
            {
                text = lm.Groups["msg"].Value;
                func = lm.Groups["func"].Value;
                if (lm.Groups["domid"].Success && XlText.TryUInt(lm.Groups["domid"].Value, out var d)) domid = d;
                isLibxlError = lm.Groups["level"].Value is "error" or "critical";
                if (!isLibxlError) continue;
            }

            for (int p = 0; p < Patterns.Length; p++)
            {
                if (best != null && best.Priority <= p) break;
                var m = Patterns[p].Pattern().Match(text);
                if (!m.Success) continue;
                var kind = Patterns[p].Kind;
                if (kind == XlErrorKind.ShutdownFailed)
                    kind = m.Groups["what"].Value switch { "reboot" => XlErrorKind.RebootFailed, "destroy" => XlErrorKind.DestroyFailed, _ => XlErrorKind.ShutdownFailed };
                best = new Candidate(kind, p, i, text, m, func, domid);
                break;
            }
            if (isLibxlError && firstLibxlError == null)
                firstLibxlError = new Candidate(XlErrorKind.LibxlError, int.MaxValue, i, text, Match.Empty, func, domid);
        }

        best ??= firstLibxlError;
        if (best == null)
        {
            if (exitCode == 0) return null;
            // Unknown: report the last line that is not xl's chatter or its help text.
            string message = lines.LastOrDefault(l => !l.StartsWith("Parsing config from ", StringComparison.Ordinal)
                                                      && !l.StartsWith("Usage: ", StringComparison.Ordinal)) ?? $"xl exited with code {exitCode}";
            return new XlError
            {
                Kind = XlErrorKind.Unknown, Message = message, ExitCode = exitCode, Command = command,
                Domain = DomainFromArgv(command, positional), StdErrLines = lines,
            };
        }

        var g = best.Match.Groups;
        int? rc = g["rc"].Success && XlText.TryInt(g["rc"].Value, out var r) ? r : null;
        if (rc == null)
        {
            foreach (var l in lines)
            {
                var m = AnyRc().Match(l);
                if (m.Success && XlText.TryInt(m.Groups["rc"].Value, out var r2)) { rc = r2; break; }
            }
        }

        int? domId = best.DomId;
        if (domId == null)
        {
            // The "Domain N:" of another libxl line of the same failure (e.g. "Unable to set disk defaults").
            foreach (var l in lines)
            {
                var lm = LibxlLine().Match(l);
                if (lm.Success && lm.Groups["domid"].Success && XlText.TryUInt(lm.Groups["domid"].Value, out var d2)) { domId = d2; break; }
            }
        }

        // The domain as the message names it, else as the user named it on the command line, else libxl's domid.
        string? domain = g["dom"].Success ? g["dom"].Value : null;
        domain ??= best.Kind is XlErrorKind.ShutdownFailed or XlErrorKind.RebootFailed or XlErrorKind.DestroyFailed
            or XlErrorKind.Domain0Refused or XlErrorKind.NoPvControl or XlErrorKind.GuestDidNotAcknowledge
            or XlErrorKind.SaveFailed or XlErrorKind.LibxlError
            ? DomainFromArgv(command, positional) : null;
        domain ??= domId?.ToString(System.Globalization.CultureInfo.InvariantCulture);
        if (domId == null && domain != null && XlText.TryUInt(domain, out var nd)) domId = nd;

        string? path = g["path"].Success && g["path"].Value.Length > 0 ? g["path"].Value : null;
        if (path == null && best.Kind is XlErrorKind.WrongMagicNumber or XlErrorKind.RestoreFileOpenFailed && positional.Count > 0)
            path = positional[^1];
        if (path == null && best.Kind == XlErrorKind.SaveFailed && positional.Count >= 2)
            path = positional[1];

        return new XlError
        {
            Kind = best.Kind,
            Message = best.Message,
            Domain = domain,
            DomId = domId,
            Rc = rc,
            ExitCode = exitCode,
            Command = command,
            Path = path,
            Line = g["line"].Success && XlText.TryUInt(g["line"].Value, out var ln) ? ln : null,
            LibxlFunction = best.Func,
            StdErrLines = lines,
        };
    }

    /// <summary>Strips libxl's "libxl: error: file.c:NNN:func: [Domain N:]" prefix; other lines are returned unchanged.</summary>
    public static string StripLibxlPrefix(string line)
    {
        var m = LibxlLine().Match(line);
        return m.Success ? m.Groups["msg"].Value : line;
    }

    private static (string? Command, List<string> Positional) SplitArgv(IReadOnlyList<string> argv)
    {
        int i = 0;
        if (argv.Count > 0 && (argv[0] == "xl" || argv[0].EndsWith("/xl", StringComparison.Ordinal))) i++;
        while (i < argv.Count && GlobalOptions.Contains(argv[i])) i++;
        if (i >= argv.Count) return (null, new List<string>());
        string command = argv[i++];
        var positional = new List<string>();
        for (; i < argv.Count; i++)
        {
            var a = argv[i];
            if (a.StartsWith('-') && a.Length > 1) continue;
            if (a.Contains('=') && command is "create" or "config-update") continue; // key=value overrides
            positional.Add(a);
        }
        return (command, positional);
    }

    private static string? DomainFromArgv(string? command, List<string> positional) =>
        command switch
        {
            "shutdown" or "reboot" or "destroy" or "pause" or "unpause" or "save" or "list" or "domid" or "domname"
                or "vcpu-list" or "vcpu-set" or "vcpu-pin" or "network-list" or "block-list" or "mem-set" or "mem-max"
                or "rename" or "console" or "uptime" or "network-attach" or "network-detach" or "block-attach"
                or "block-detach" or "dump-core" or "migrate"
                when positional.Count > 0 => positional[0],
            _ => null,
        };
}
