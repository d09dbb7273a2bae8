namespace SmartDomains.HostScripts;

/// <summary>
/// Every stderr marker the host scripts print: lib/fail.sh writes "smartdomains: " and a message that starts or ends with
/// one of these. A script's header names its markers (# marker CODE TEXT) and the loader refuses one that is not listed
/// here. They are for people and tests; control flow uses <see cref="HostScriptExit"/>.
/// </summary>
public static class HostScriptMarkers
{
    public const string Prefix = "smartdomains: ";

    public static readonly IReadOnlySet<string> All = new HashSet<string>(StringComparer.Ordinal)
    {
        "refusing to overwrite",
        "is missing",
        "is not a regular file",
        "is not empty",
        "sha256 of",
        "the archive",
        "busy: held by",
        "not a lease scope",
        "the journal changed meanwhile",
        "was not written by SmartDomains",
    };

}
