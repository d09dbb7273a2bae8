using SmartDomains.Remote;
using SmartDomains.Xl;

namespace SmartDomains.Xl;

/// <summary>Turns a failed xl call into an XlCommandFailed error that quotes xl's own message.</summary>
public static class XlFailure
{
    public static XlCommandException From(CommandResult result, RemoteCommand command)
    {
        var error = XlErrorClassifier.Classify(command.Arguments, result.ExitCode, result.StdErr);
        var message = error?.Message ?? AllLines(result.StdErr) ?? AllLines(result.StdOut) ?? "(no output)";
        var classified = error?.ToException(result.Host);
        return new XlCommandException(result, error,
            $"'{result.CommandLine}' failed on {result.Host} with exit code {result.ExitCode}: {message}",
            classified?.Category ?? XenErrorCategory.InvalidOperation)
        {
            RecommendedAction = classified?.RecommendedAction,
        };
    }

    /// <summary>xl's own error for a single xl command; a plain command failure with its stderr for anything else.</summary>
    public static XenHostException ForCommand(CommandResult result, RemoteCommand command) =>
        command.Program == "xl" && command.Steps.Count == 1
            ? From(result, command)
            : new XenHostException(XenErrorIds.HostCommandFailed, XenErrorCategory.InvalidOperation, result.Host,
                $"'{command.CommandLine}' failed on {result.Host} with exit code {result.ExitCode}: {AllLines(result.StdErr) ?? "(no output)"}");

    private static string? AllLines(string text)
    {
        var lines = text.Split('\n').Select(l => l.Trim())
            .Where(l => l.Length > 0 && !l.StartsWith("Parsing config from", StringComparison.Ordinal))
            .ToArray();
        return lines.Length == 0 ? null : string.Join(" | ", lines);
    }
}

/// <summary>An xl command that exited non-zero. The id is always XlCommandFailed; Kind says which of xl's failures it was.</summary>
public sealed class XlCommandException : XenHostException
{
    public CommandResult Result { get; }
    public XlError? XlError { get; }
    public XlErrorKind Kind => XlError?.Kind ?? XlErrorKind.Unknown;

    public XlCommandException(CommandResult result, XlError? error, string message, XenErrorCategory category)
        : base(XenErrorIds.XlCommandFailed, category, result.Host, message)
    {
        Result = result;
        XlError = error;
    }
}
