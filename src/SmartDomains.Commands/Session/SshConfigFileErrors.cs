using System.Management.Automation;

namespace SmartDomains.Commands;

/// <summary>The one refusal of an -SshConfigFile that is not there, for Connect-XenHost and Register-XenPoolSchedule alike.</summary>
internal static class SshConfigFileErrors
{
    /// <summary>Null when the file exists (or none was given), else the record to throw.</summary>
    public static ErrorRecord? Missing(string? config) =>
        config is null || File.Exists(config) ? null
            : new ErrorRecord(new FileNotFoundException($"The ssh config file '{config}' (-SshConfigFile) does not exist.", config),
                XenErrorIds.SshConfigInvalid, ErrorCategory.ObjectNotFound, config);
}
