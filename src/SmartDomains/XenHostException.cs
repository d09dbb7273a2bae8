namespace SmartDomains;

/// <summary>A failure with a stable error id, so the cmdlets can turn it into an ErrorRecord.</summary>
public class XenHostException : Exception
{
    public string ErrorId { get; }
    public XenErrorCategory Category { get; }
    public string? Host { get; }
    public string? RecommendedAction { get; init; }
    /// <summary>The exit code of the host script that failed, when one did: what callers decide on, never the message.</summary>
    public HostScripts.HostScriptExit? ScriptExit { get; init; }

    public XenHostException(string errorId, XenErrorCategory category, string? host, string message, Exception? inner = null)
        : base(message, inner)
    {
        ErrorId = errorId;
        Category = category;
        Host = host;
    }
}

/// <summary>Mirrors the PowerShell error categories the module uses, without a PowerShell reference.</summary>
public enum XenErrorCategory
{
    ConnectionError, AuthenticationError, SecurityError, InvalidArgument, InvalidData, InvalidOperation,
    ObjectNotFound, ResourceUnavailable, OperationTimeout, NotSpecified, OperationStopped, ResourceExists, WriteError, ReadError, DeviceError, PermissionDenied
}
