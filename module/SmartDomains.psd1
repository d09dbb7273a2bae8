@{
    RootModule           = 'SmartDomains.Commands.dll'
    ModuleVersion        = '0.1.0'
    GUID                 = '6f0e1d8a-4c1b-4b5e-9a51-2f3d6c0b7e21'
    Author               = 'SmartDomains developers'
    CompanyName          = 'SmartDomains'
    Copyright            = '(c) SmartDomains developers. MIT License.'
    Description          = 'Deploys and manages pools of Xen virtual machines on dom0 hosts through the xl toolstack over SSH, with an emulated Xen host for demos and tests.'
    PowerShellVersion    = '7.4'
    CompatiblePSEditions = @('Core')
    FormatsToProcess     = @('SmartDomains.Format.ps1xml')
    CmdletsToExport      = @(
        'Connect-XenHost'
        'Disconnect-XenHost'
        'Get-XenHost'
        'Get-XenDomain'
        'Invoke-XenCommand'
        'New-XenPool'
        'Get-XenTemplate'
        'Get-XenDomainConfig'
        'Export-XenPoolDiagram'
        'Start-XenPortal'
        'Get-XenPortal'
        'Stop-XenPortal'
        'Start-XenPool'
        'Stop-XenPool'
        'Get-XenPool'
        'Start-XenDomain'
        'Stop-XenDomain'
        'Restart-XenDomain'
        'Suspend-XenDomain'
        'Resume-XenDomain'
        'Remove-XenDomain'
        'Test-XenDomainLiveness'
        'Wait-XenDomain'
        'Save-XenImage'
        'Get-XenImage'
        'Restore-XenImage'
        'Remove-XenImage'
        'Convert-XenImage'
        'Clear-XenHost'
        'Remove-XenPool'
        'Sync-XenPool'
        'Test-XenPool'
        'Register-XenPoolSchedule'
        'Get-XenPoolSchedule'
        'Unregister-XenPoolSchedule'
    )
    FunctionsToExport    = @()
    AliasesToExport      = @()
    VariablesToExport    = @()
    PrivateData          = @{
        PSData = @{
            Tags         = @('Xen', 'xl', 'Virtualization', 'SSH', 'Linux', 'dom0')
            LicenseUri   = 'https://opensource.org/licenses/MIT'
            ReleaseNotes = 'Pools of Xen domains from JSON pool files with templates: placement, storage (files, qcow2 clones, LVM), dependency-ordered start with liveness checks, save and restore with checksums, journal-exact cleaning, over SSH or on emulated hosts. Every value that reaches a host is typed; manifests and archives are checked before a restore. See CHANGELOG.md.'
        }
    }
}
