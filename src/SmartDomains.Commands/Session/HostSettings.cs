using System.Management.Automation;
using SmartDomains.Storage;

namespace SmartDomains.Commands;

/// <summary>Module preferences: a parameter wins, then a $SmartDomains* variable, then an environment variable.</summary>
internal static class HostSettings
{
    public static string? Preference(PSCmdlet cmdlet, string? parameter, string variable, string environment) =>
        parameter ?? cmdlet.SessionState.PSVariable.GetValue(variable) as string ?? Environment.GetEnvironmentVariable(environment) switch
        {
            { Length: > 0 } value => value,
            _ => null,
        };

    public static string? LogPath(PSCmdlet cmdlet, string? parameter) =>
        Preference(cmdlet, parameter, "SmartDomainsLogPath", "SMARTDOMAINS_LOG_PATH") is { } p ? cmdlet.GetUnresolvedProviderPathFromPSPath(p) : null;

    public static ImageRepository? Images(PSCmdlet cmdlet, string? parameter) =>
        Preference(cmdlet, parameter, "SmartDomainsImageRepository", "SMARTDOMAINS_IMAGE_REPOSITORY") is { } p
            ? new ImageRepository(cmdlet.GetUnresolvedProviderPathFromPSPath(p)) : null;
}
