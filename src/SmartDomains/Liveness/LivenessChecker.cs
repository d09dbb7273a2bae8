using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using SmartDomains.HostScripts;
using SmartDomains.Hosts;
using SmartDomains.Model;
using SmartDomains.Remote;
using SmartDomains.Xl;

namespace SmartDomains.Liveness;

/// <summary>
/// Checks that a domain is alive: (1) its xl state is running or blocked, (2) its guest address accepts TCP on the port, probed
/// from dom0 (so the probe sees the guest network the way the host does, over SSH or locally alike), and (3) optionally that the
/// guest's first line is an SSH banner. (2) and (3) are one fixed script, one round trip; address and port reach it only as
/// positional values.
/// </summary>
public static class LivenessChecker
{
    /// <summary>One check of the xl state, then (unless <see cref="LivenessCheck.StateOnly"/>) TCP and the optional banner.</summary>
    /// <exception cref="ArgumentException">An empty domain name, an <see cref="LivenessCheck.Address"/> that is not an IP
    /// address, a port outside 1-65535 or a probe timeout that is not positive.</exception>
    /// <exception cref="XlCommandException">xl failed for a reason other than a missing domain.</exception>
    /// <exception cref="XenHostException">The host has no bash or timeout for the probe (XenLivenessProbeUnavailable).</exception>
    public static Task<LivenessResult> CheckOnceAsync(HostConnection host, LivenessCheck check, CancellationToken ct) =>
        CheckOnceAsync(host, check, 0, ct);

    /// <summary>How long one probe of a wait keeps trying to connect on dom0 (or the interval, if longer): short, so a crash is
    /// still seen soon.</summary>
    internal const int WaitPatienceSeconds = 2;

    private static async Task<LivenessResult> CheckOnceAsync(HostConnection host, LivenessCheck check, int patienceSeconds, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(host);
        var address = Validate(check);
        var watch = Stopwatch.StartNew();
        var result = new LivenessResult { Domain = check.Domain, Host = host.Name, Port = check.Port, Address = address, Attempts = 1 };
        try
        {
            await CheckCoreAsync(host, check, address, patienceSeconds, result, ct).ConfigureAwait(false);
        }
        catch (XenHostException ex) when (ex.ErrorId == XenErrorIds.HostUnreachable)
        {
            result.Alive = false;
            result.Failure = LivenessFailure.HostUnreachable;
            result.Message = $"host: '{host.Name}' could not be reached: {ex.Message}";
        }
        result.Elapsed = watch.Elapsed;
        return result;
    }

    /// <summary>
    /// Checks every <paramref name="interval"/> until the domain is alive or <paramref name="timeout"/> has passed. Stops at once,
    /// without more attempts, when the domain has crashed or is gone (NotFound), or has no address to probe (see <see cref="IsFinal"/>). No check
    /// starts after the timeout, but one already running finishes (it is bounded by its probe timeout), so the result always says
    /// which check failed. The result is the last check's, with Attempts and Elapsed over the whole wait.
    /// </summary>
    public static async Task<LivenessResult> WaitAsync(HostConnection host, LivenessCheck check, TimeSpan timeout, TimeSpan interval,
        CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(host);
        var address = Validate(check);
        if (timeout < TimeSpan.Zero) throw new ArgumentOutOfRangeException(nameof(timeout), "The timeout cannot be negative.");
        if (interval <= TimeSpan.Zero) throw new ArgumentOutOfRangeException(nameof(interval), "The interval must be positive.");

        var watch = Stopwatch.StartNew();
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(ct);
        deadline.CancelAfter(timeout);
        LivenessResult? last = null;
        int attempts = 0;
        bool timedOut = false;
        while (true)
        {
            try
            {
                // At least as long as the wait would sleep anyway: the interval is the wait's own granularity.
                var patience = (int)Math.Clamp(Math.Floor((timeout - watch.Elapsed).TotalSeconds), 0,
                    Math.Max(WaitPatienceSeconds, Math.Ceiling(interval.TotalSeconds)));
                last = await CheckOnceAsync(host, check, patience, ct).ConfigureAwait(false);
                attempts++;
            }
            catch (OperationCanceledException) when (!ct.IsCancellationRequested) { timedOut = true; break; }
            if (last.Alive || IsFinal(last.Failure)) break;
            var remaining = timeout - watch.Elapsed;
            if (remaining <= TimeSpan.Zero) { timedOut = true; break; }
            try
            {
                await Task.Delay(interval < remaining ? interval : remaining, deadline.Token).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (!ct.IsCancellationRequested) { timedOut = true; break; }
            if (watch.Elapsed >= timeout) { timedOut = true; break; }
        }

        last ??= new LivenessResult
        {
            Domain = check.Domain, Host = host.Name, Port = check.Port, Address = address,
            Failure = LivenessFailure.HostUnreachable,
            Message = $"host: no check of '{check.Domain}' on '{host.Name}' finished within {Seconds(timeout)}",
        };
        last.Attempts = attempts;
        last.Elapsed = watch.Elapsed;
        if (timedOut && !last.Alive)
            last.Message = $"not alive after {Seconds(watch.Elapsed)} ({attempts} attempt{(attempts == 1 ? "" : "s")}); last check: {last.Message}";
        return last;
    }

    /// <summary>
    /// Failures that waiting cannot cure, so a wait stops at once: Crashed, NotFound (gone), and NoAddress (a running domain's
    /// configuration has no vif ip=, and no address was given: there will never be anything to probe).
    /// </summary>
    public static bool IsFinal(LivenessFailure failure) =>
        failure is LivenessFailure.Crashed or LivenessFailure.NotFound or LivenessFailure.NoAddress;

    private static string? Validate(LivenessCheck check)
    {
        ArgumentNullException.ThrowIfNull(check);
        if (string.IsNullOrWhiteSpace(check.Domain)) throw new ArgumentException("The domain name is empty.", nameof(check));
        if (check.Port is < 1 or > 65535) throw new ArgumentOutOfRangeException(nameof(check), check.Port, "The port must be 1-65535.");
        if (check.ProbeTimeout <= TimeSpan.Zero) throw new ArgumentOutOfRangeException(nameof(check), check.ProbeTimeout, "The probe timeout must be positive.");
        if (check.Address is null) return null;
        return CanonicalAddress(check.Address)
               ?? throw new ArgumentException($"'{check.Address}' is not an IP address (the liveness probe takes an IPv4 or IPv6 address, not a name).", nameof(check));
    }

    /// <summary>The address in canonical form, or null when the text is not exactly one IPv4 (dotted quad) or IPv6 address.</summary>
    public static string? CanonicalAddress(string? text)
    {
        if (string.IsNullOrWhiteSpace(text)) return null;
        text = text.Trim();
        if (!IPAddress.TryParse(text, out var ip)) return null;
        // IPAddress.TryParse also takes "127.1" and "0x7f.1"; only a dotted quad is what the operator meant.
        if (ip.AddressFamily == AddressFamily.InterNetwork && text.Split('.').Length != 4) return null;
        if (ip.AddressFamily == AddressFamily.InterNetworkV6 && (ip.ScopeId != 0 || text.Contains('%'))) return null;
        return ip.ToString();
    }

    private static async Task CheckCoreAsync(HostConnection host, LivenessCheck check, string? address, int patienceSeconds, LivenessResult result,
        CancellationToken ct)
    {
        // (1) xl state; in the same round trip, the configuration (vif ip=) when no address was given, or else the probe
        // itself, whose answer counts only if the state is running or blocked.
        bool wantConfig = !check.StateOnly && address is null;
        var listV = RemoteCommand.Xl("list", "-v", check.Domain);
        var probe = !check.StateOnly && address is not null ? ProbeCommand(check, address, patienceSeconds) : null;
        var command = wantConfig ? RemoteCommand.All(listV, RemoteCommand.Xl("list", "-l", check.Domain))
            : probe is not null ? RemoteCommand.All(listV, ProbeFollows.Command, probe)
            : listV;
        var raw = await host.RunAsync(command, ct).ConfigureAwait(false);
        var (xl, probed) = probe is null ? (raw, null) : SplitAtProbe(raw);
        result.XlStateTime = xl.Duration;
        if (!xl.Succeeded)
        {
            var error = XlErrorClassifier.Classify(listV.Arguments.Prepend("xl").ToArray(), xl.ExitCode, xl.StdErr);
            if (error?.Kind is XlErrorKind.InvalidDomainIdentifier or XlErrorKind.DomainDoesNotExist or XlErrorKind.CannotGetDomId)
            {
                result.Failure = LivenessFailure.NotFound;
                result.Message = $"xl state: no domain named '{check.Domain}' on host '{host.Name}' ({error.Message})";
                return;
            }
            throw XlFailure.From(xl, listV);
        }

        var lines = xl.StdOut.Replace("\r\n", "\n").Split('\n');
        int jsonStart = wantConfig ? Array.FindIndex(lines, 1, l => l.TrimStart().StartsWith('[')) : -1;
        var table = string.Join('\n', jsonStart > 0 ? lines[..jsonStart] : lines);
        var entries = XlListParser.Parse(table, host.Name);
        var domain = entries.FirstOrDefault(d => string.Equals(d.Name, check.Domain, StringComparison.Ordinal))
                     ?? (entries.Count == 1 ? entries[0] : null);
        if (domain is null)
        {
            result.Failure = LivenessFailure.NotFound;
            result.Message = $"xl state: xl list did not show '{check.Domain}' on host '{host.Name}'";
            return;
        }
        result.State = domain.State;
        result.DomId = domain.DomId;
        switch (domain.State)
        {
            case DomainState.Running or DomainState.Blocked:
                break;
            case DomainState.Crashed:
                result.Failure = LivenessFailure.Crashed;
                result.Message = $"xl state: the domain has crashed (state {domain.StateFlags})";
                return;
            default:
                result.Failure = LivenessFailure.NotRunning;
                result.Message = $"xl state: the domain is {domain.State} (state {domain.StateFlags}), not running or blocked";
                return;
        }
        if (check.StateOnly)
        {
            result.Alive = true;
            result.Message = $"alive: xl state {domain.State}";
            return;
        }

        // (2) the address: given, or the first vif ip= of the configuration.
        if (address is null)
        {
            var details = jsonStart > 0 ? XlListLongParser.Parse(string.Join('\n', lines[jsonStart..]), host.Name) : Array.Empty<XlDomainDetail>();
            var ip = details.SelectMany(d => d.Nics).Select(n => n.Ip).FirstOrDefault(i => !string.IsNullOrWhiteSpace(i));
            if (ip is null)
            {
                result.Failure = LivenessFailure.NoAddress;
                result.Message = "address: the domain has no vif with an ip= setting, so there is no address to probe; give the address explicitly";
                return;
            }
            var first = ip.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries)[0];
            address = CanonicalAddress(first);
            if (address is null)
            {
                result.Failure = LivenessFailure.NoAddress;
                result.Message = $"address: the vif ip= setting '{ip}' is not an IP address; give the address explicitly";
                return;
            }
            result.Address = address;
        }

        // (3) TCP, and the banner, from dom0: already run with the state when the address was known, else one round trip now.
        var run = probed ?? await host.RunAsync(ProbeCommand(check, address, patienceSeconds), ct).ConfigureAwait(false);
        Interpret(host, check, address, run, result);
    }

    // Between xl list's output and the probe's.
    private static readonly OutputMarker ProbeFollows = new("probe");

    /// <summary>liveness-probe.bash under timeout, which bounds the whole probe (exit 124).</summary>
    private static RemoteCommand ProbeCommand(LivenessCheck check, string address, int patienceSeconds) =>
        RemoteCommand.Script(Scripts.LivenessProbe, address, check.Port.ToString(CultureInfo.InvariantCulture),
                check.CheckBanner ? "1" : "0", patienceSeconds.ToString(CultureInfo.InvariantCulture))
            .WithTimeout((check.ProbeTimeout.TotalSeconds + (patienceSeconds > 0 ? patienceSeconds + 1 : 0)).ToString("0.###", CultureInfo.InvariantCulture));

    /// <summary>
    /// Splits "xl list -v && echo marker && probe" into xl's result and the probe's. Without the marker xl failed, the probe
    /// did not run, and the whole result is xl's.
    /// </summary>
    private static (CommandResult Xl, CommandResult? Probe) SplitAtProbe(CommandResult raw)
    {
        if (!ProbeFollows.TrySplit(raw.StdOut, out var listed, out var probed)) return (raw, null);
        var xl = new CommandResult { Host = raw.Host, CommandLine = raw.CommandLine, ExitCode = 0, StdOut = listed, StdErr = "", Duration = raw.Duration };
        var probe = new CommandResult
        {
            Host = raw.Host, CommandLine = raw.CommandLine, ExitCode = raw.ExitCode, StdOut = probed, StdErr = raw.StdErr, Duration = raw.Duration,
        };
        return (xl, probe);
    }

    private static void Interpret(HostConnection host, LivenessCheck check, string address, CommandResult run, LivenessResult result)
    {
        string endpoint = address.Contains(':') ? $"[{address}]:{check.Port}" : $"{address}:{check.Port}";

        double? start = null, connected = null, failed = null, bannerAt = null;
        string? banner = null;
        bool eof = false;
        foreach (var raw in run.StdOut.Split('\n'))
        {
            var line = raw.TrimEnd('\r');
            var parts = line.Split(' ', 3);
            switch (parts[0])
            {
                case "start" when parts.Length >= 2: start = Epoch(parts[1]); break;
                case "connected" when parts.Length >= 2: connected = Epoch(parts[1]); break;
                case "failed" when parts.Length >= 2: failed = Epoch(parts[1]); break;
                case "banner" or "eof" when parts.Length >= 2:
                    bannerAt = Epoch(parts[1]);
                    banner = parts.Length == 3 ? parts[2].TrimEnd('\r') : "";
                    eof = parts[0] == "eof";
                    break;
            }
        }
        bool sawConnect = run.StdOut.Contains("connected ", StringComparison.Ordinal);
        bool sawFailed = run.StdOut.Contains("failed ", StringComparison.Ordinal);
        bool sawBanner = bannerAt is not null || run.StdOut.Contains("banner ", StringComparison.Ordinal) || run.StdOut.Contains("eof ", StringComparison.Ordinal);

        if ((run.ExitedWith(HostScriptExit.ToolMissing) || run.ExitedWith(HostScriptExit.CannotExecute)) && !sawConnect && !sawFailed)
            throw new XenHostException(XenErrorIds.LivenessProbeUnavailable, XenErrorCategory.ResourceUnavailable, host.Name,
                $"The liveness probe cannot run on host '{host.Name}': {FirstLine(run.StdErr) ?? $"exit code {run.ExitCode}"}")
            {
                RecommendedAction = "Install bash and coreutils (timeout) on the host.",
            };

        TimeSpan Span(double? from, double? to, TimeSpan fallback) =>
            from is { } f && to is { } t && t >= f ? TimeSpan.FromSeconds(t - f) : fallback;

        string timeoutText = Seconds(check.ProbeTimeout);
        if (!sawConnect)
        {
            bool timedOut = run.ExitedWith(HostScriptExit.TimedOut) || !sawFailed;
            result.TcpTime = Span(start, failed, run.Duration);
            var why = FirstLine(run.StdErr.Replace("bash: line 1: ", "").Replace("bash: ", ""));
            if (!timedOut && why is not null && why.Contains("refused", StringComparison.OrdinalIgnoreCase))
            {
                result.Failure = LivenessFailure.TcpRefused;
                result.Message = $"TCP probe from dom0: {endpoint} refused the connection (nothing listens on port {check.Port})";
            }
            else
            {
                result.Failure = LivenessFailure.TcpTimeout;
                result.Message = timedOut
                    ? $"TCP probe from dom0: no answer from {endpoint} within {timeoutText}"
                    : $"TCP probe from dom0: {endpoint} did not answer: {Errno(why)}";
            }
            return;
        }

        result.TcpTime = Span(start, connected, run.Duration);
        if (check.CheckBanner)
        {
            result.BannerTime = Span(connected, bannerAt, run.Duration - result.TcpTime.Value);
            result.Banner = banner;
            if (!sawBanner)
            {
                result.Failure = LivenessFailure.BannerMismatch;
                result.Message = $"SSH banner: {endpoint} accepted TCP but sent no line within {timeoutText}";
                return;
            }
            if (string.IsNullOrEmpty(banner))
            {
                result.Failure = LivenessFailure.BannerMismatch;
                result.Message = $"SSH banner: {endpoint} accepted TCP but {(eof ? "closed the connection without sending a banner" : "sent an empty line")}";
                return;
            }
            if (!banner.StartsWith("SSH-", StringComparison.Ordinal))
            {
                result.Failure = LivenessFailure.BannerMismatch;
                result.Message = $"SSH banner: {endpoint} sent '{Printable(banner)}', which does not start with 'SSH-'";
                return;
            }
        }
        result.Alive = true;
        result.Message = $"alive: xl state {result.State}, {endpoint} accepted TCP in {Millis(result.TcpTime.Value)}" +
                         (check.CheckBanner ? $", banner '{Printable(banner!)}' in {Millis(result.BannerTime!.Value)}" : "");
    }

    private static double? Epoch(string text) =>
        double.TryParse(text.Replace(',', '.'), NumberStyles.Float, CultureInfo.InvariantCulture, out var v) && v > 0 ? v : null;

    private static string? FirstLine(string text) =>
        text.Split('\n').Select(l => l.Trim()).FirstOrDefault(l => l.Length > 0);

    /// <summary>"connect: No route to host" → "no route to host"; "/dev/tcp/…: ..." lines are left out.</summary>
    private static string Errno(string? text)
    {
        if (string.IsNullOrEmpty(text)) return "the connection failed";
        var i = text.LastIndexOf(": ", StringComparison.Ordinal);
        var msg = i >= 0 ? text[(i + 2)..] : text;
        return msg.Length > 0 ? char.ToLowerInvariant(msg[0]) + msg[1..] : text;
    }

    private static string Printable(string s) =>
        new(s.Select(c => char.IsControl(c) ? '?' : c).Take(120).ToArray());

    private static string Seconds(TimeSpan t) => t.TotalSeconds.ToString("0.###", CultureInfo.InvariantCulture) + " s";
    private static string Millis(TimeSpan t) => t.TotalMilliseconds.ToString("0", CultureInfo.InvariantCulture) + " ms";
}
