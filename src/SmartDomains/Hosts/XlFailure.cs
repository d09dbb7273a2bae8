using SmartDomains.Remote;

namespace SmartDomains.Hosts;

/// <summary>Turns a failed xl call into an XlCommandFailed error that quotes xl's own message.</summary>
public static class XlFailure
{
    public static XenHostException From(CommandResult result)
    {
        var message = FirstMeaningfulLine(result.StdErr) ?? FirstMeaningfulLine(result.StdOut) ?? "(no output)";
        return new XlCommandException(result,
            $"'{result.CommandLine}' failed on {result.Host} with exit code {result.ExitCode}: {message}");
    }

    private static string? FirstMeaningfulLine(string text)
    {
        // xl often prints several lines (libxl detail, then its own summary); keep them all, in order.
        var lines = text.Split('\n').Select(l => l.Trim())
            .Where(l => l.Length > 0 && !l.StartsWith("Parsing config from", StringComparison.Ordinal))
            .ToArray();
        return lines.Length == 0 ? null : string.Join(" | ", lines);
    }
}

/// <summary>An xl command that exited non-zero. Carries the full result for scripts.</summary>
public sealed class XlCommandException : XenHostException
{
    public CommandResult Result { get; }

    public XlCommandException(CommandResult result, string message)
        : base(XenErrorIds.XlCommandFailed, XenErrorCategory.InvalidOperation, result.Host, message) => Result = result;
}
