namespace SmartDomains;

/// <summary>
/// Every stable error id of the module, in one place. Scripts match on these (the part of FullyQualifiedErrorId before the
/// comma), so they are a compatibility promise: never rename one, and never write an id as a literal anywhere else.
/// </summary>
public static class XenErrorIds
{
    // Hosts and connections
    public const string HostUnreachable = "XenHostUnreachable";
    public const string AuthenticationFailed = "XenAuthenticationFailed";
    public const string HostKeyUnknown = "XenHostKeyUnknown";
    public const string HostKeyMismatch = "XenHostKeyMismatch";
    public const string HostKeyPolicyInvalid = "XenHostKeyPolicyInvalid";
    /// <summary>ssh refused its own configuration (a bad line, a missing -SshConfigFile) for a host.</summary>
    public const string SshConfigInvalid = "XenSshConfigInvalid";
    public const string HostNotConnected = "XenHostNotConnected";
    /// <summary>A host setting (a directory, -VifScript) that is not of its type.</summary>
    public const string HostSettingInvalid = "XenHostSettingInvalid";
    public const string HostArgumentInvalid = "XenHostArgumentInvalid";
    public const string HostArgumentMissing = "XenHostArgumentMissing";
    /// <summary>A host command other than xl failed.</summary>
    public const string HostCommandFailed = "XenHostCommandFailed";
    /// <summary>Another controller holds the host's clear lease.</summary>
    public const string HostBusy = "XenHostBusy";
    public const string UploadFailed = "XenUploadFailed";
    public const string DownloadFailed = "XenDownloadFailed";
    public const string EmulatorNotExecutable = "XenEmulatorNotExecutable";

    // xl
    public const string XlCommandFailed = "XlCommandFailed";
    public const string XlOutputUnparsable = "XlOutputUnparsable";

    // Pools and domains
    public const string PoolFileInvalid = "PoolFileInvalid";
    public const string PoolPlacementFailed = "XenPoolPlacementFailed";
    public const string PoolNotFound = "XenPoolNotFound";
    /// <summary>Get-XenTemplate -Name without wildcards that no template library or pool file declares.</summary>
    public const string TemplateNotFound = "XenTemplateNotFound";
    /// <summary>A value the xl.cfg renderer refuses to write (the second line of defence behind PoolFileInvalid).</summary>
    public const string ConfigValueInvalid = "XenConfigValueInvalid";
    public const string DomainNotFound = "XenDomainNotFound";
    /// <summary>A domain of that name runs and SmartDomains did not create it.</summary>
    public const string DomainConflict = "XenDomainConflict";
    public const string DomainNameInvalid = "XenDomainNameInvalid";
    public const string DomainStartFailed = "XenDomainStartFailed";
    public const string DomainStopTimeout = "XenDomainStopTimeout";
    public const string DomainStillRunning = "XenDomainStillRunning";
    public const string DomainNotAlive = "XenDomainNotAlive";
    public const string DomainNoAddress = "XenDomainNoAddress";
    public const string ConfirmationRequired = "XenConfirmationRequired";

    // The journal
    public const string JournalReadFailed = "XenJournalReadFailed";
    public const string JournalWriteFailed = "XenJournalWriteFailed";

    // Storage
    /// <summary>A path or volume exists that the journal does not list as the module's: it is never overwritten.</summary>
    public const string StorageConflict = "XenStorageConflict";
    /// <summary>The host's filesystem or volume group ran out of space.</summary>
    public const string StorageNoSpace = "XenStorageNoSpace";
    /// <summary>A host command that makes or removes storage failed.</summary>
    public const string StorageFailed = "XenStorageFailed";
    /// <summary>A storage item that cannot be made as asked (bad path, name, size or filesystem).</summary>
    public const string StorageInvalid = "XenStorageInvalid";
    /// <summary>A resource the journal does not list as the module's was asked to be removed.</summary>
    public const string StorageNotJournaled = "XenStorageNotJournaled";
    /// <summary>The resource is still used by another journaled resource (a base image behind a qcow2 clone).</summary>
    public const string StorageInUse = "XenStorageInUse";
    public const string BaseImageNotFound = "XenBaseImageNotFound";
    /// <summary>The copy on the host does not have the SHA256 of the local base image.</summary>
    public const string BaseImageCorrupt = "XenBaseImageCorrupt";

    // Images
    /// <summary>An archive or member whose SHA256 or size is not the manifest's, or an archive that does not unpack or holds a refused entry.</summary>
    public const string ImageCorrupt = "XenImageCorrupt";
    public const string ImageNotFound = "XenImageNotFound";
    /// <summary>An image of that name is already in the repository.</summary>
    public const string ImageExists = "XenImageExists";
    /// <summary>A host lacks a tool the operation needs (qemu-img, zstd to unpack a zstd archive, tar).</summary>
    public const string ToolMissing = "XenToolMissing";
    /// <summary>Saving failed on the host (xl save, archiving, transfer).</summary>
    public const string ImageSaveFailed = "XenImageSaveFailed";
    public const string ImageRestoreFailed = "XenImageRestoreFailed";
    /// <summary>A bad image name or repository path, an edited manifest, or a disk that cannot be archived (a block device).</summary>
    public const string ImageInvalid = "XenImageInvalid";
    public const string ImageConvertFailed = "XenImageConvertFailed";

    // Cleaning
    public const string CleanupFailed = "XenCleanupFailed";
    public const string CleanupSaveFailed = "XenCleanupSaveFailed";
    public const string ResourceNotOurs = "XenResourceNotOurs";

    // Liveness
    public const string DomainWaitTimeout = "XenDomainWaitTimeout";
    public const string DomainCrashed = "XenDomainCrashed";
    public const string LivenessProbeUnavailable = "XenLivenessProbeUnavailable";
    public const string LivenessAddressInvalid = "XenLivenessAddressInvalid";

    // Files written on this machine (Export-XenPoolDiagram)
    /// <summary>The output file exists and -Force was not given: it is left as it is.</summary>
    public const string OutputFileExists = "XenOutputFileExists";
    public const string OutputFileWriteFailed = "XenOutputFileWriteFailed";

    // Schedules (Register-XenPoolSchedule)
    /// <summary>A schedule value refused before anything is written: a name, a path, a host, a duration.</summary>
    public const string ScheduleInvalid = "XenScheduleInvalid";
    public const string ScheduleNotFound = "XenScheduleNotFound";
    /// <summary>systemctl, crontab or schtasks refused; what was written so far is removed again.</summary>
    public const string ScheduleInstallFailed = "XenScheduleInstallFailed";

    // The portal (Start-XenPortal)
    /// <summary>-ListenAddress beyond loopback without -Certificate.</summary>
    public const string PortalAddressRefused = "XenPortalAddressRefused";
    /// <summary>-Path is not a folder.</summary>
    public const string PortalPathNotFound = "XenPortalPathNotFound";
    /// <summary>The listener or the HTTPS relay could not start (a port in use, a certificate without its key).</summary>
    public const string PortalStartFailed = "XenPortalStartFailed";
    /// <summary>Something failed while the portal served (a request, a run); Get-XenPortal and Stop-XenPortal report it.</summary>
    public const string PortalError = "XenPortalError";
    public const string PortalNotFound = "XenPortalNotFound";
}
