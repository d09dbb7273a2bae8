#Requires -Version 7.4
<#
.SYNOPSIS
    Packs a built SmartDomains module folder into a .nupkg that Install-PSResource and Save-PSResource accept.
.DESCRIPTION
    Used by `build.ps1 -Task Package` and by tests/Pester/Package.Tests.ps1, so the test checks the same packing the task does.
    Compress-PSResource (Microsoft.PowerShell.PSResourceGet 1.1 or later, shipped with pwsh 7.6) validates the manifest and
    writes DestinationPath/<Name>.<Version>.nupkg; no repository is registered and nothing outside DestinationPath is written
    apart from its own temp dir. Afterwards every file of the module folder is checked to be in the package, so a file NuGet
    would silently leave out fails the packing instead of the installed module.

    A nupkg (a zip) keeps no Unix file modes: an installed copy has emulator/xl and the LVM wrappers without their exec bits.
    The module sets the bit on emulator/xl itself when an emulated host is connected.
.OUTPUTS
    System.IO.FileInfo: the .nupkg.
#>
[CmdletBinding()]
[OutputType([IO.FileInfo])]
param(
    # The built module folder, e.g. out/SmartDomains/0.1.0 (the folder holding SmartDomains.psd1).
    [Parameter(Mandatory)] [string] $ModuleDir,
    # Where the .nupkg goes; created when missing. A folder of .nupkg files is also a valid local PSResource repository.
    [Parameter(Mandatory)] [string] $DestinationPath
)
$ErrorActionPreference = 'Stop'
Set-StrictMode -Version Latest

$ModuleDir = (Resolve-Path $ModuleDir).ProviderPath
$manifestPath = Join-Path $ModuleDir 'SmartDomains.psd1'
if (-not (Test-Path $manifestPath)) { throw "No SmartDomains.psd1 in '$ModuleDir'; build the module first (build.ps1 -Task Build)." }
$manifest = Import-PowerShellDataFile $manifestPath
$compress = Get-Command Compress-PSResource -ErrorAction Ignore
if (-not $compress) {
    throw "Compress-PSResource was not found: packaging needs Microsoft.PowerShell.PSResourceGet 1.1 or later (it ships with pwsh 7.6; this is pwsh $($PSVersionTable.PSVersion))."
}

New-Item -ItemType Directory -Force $DestinationPath | Out-Null
$DestinationPath = (Resolve-Path $DestinationPath).ProviderPath
$nupkgPath = Join-Path $DestinationPath "SmartDomains.$($manifest.ModuleVersion).nupkg"
Remove-Item $nupkgPath -ErrorAction Ignore
Compress-PSResource -Path $ModuleDir -DestinationPath $DestinationPath | Out-Null
if (-not (Test-Path $nupkgPath)) { throw "Compress-PSResource did not write '$nupkgPath'." }

# Every file of the module folder must be in the package, under the same relative path.
Add-Type -AssemblyName System.IO.Compression.FileSystem
$zip = [IO.Compression.ZipFile]::OpenRead($nupkgPath)
try { $entries = [Collections.Generic.HashSet[string]]::new([string[]]@($zip.Entries | ForEach-Object { [Uri]::UnescapeDataString($_.FullName) })) }
finally { $zip.Dispose() }
$missing = @(Get-ChildItem -Recurse -File $ModuleDir | ForEach-Object { [IO.Path]::GetRelativePath($ModuleDir, $_.FullName).Replace('\', '/') } |
        Where-Object { -not $entries.Contains($_) })
if ($missing) { throw "The package '$nupkgPath' lacks files of the module folder: $($missing -join ', ')" }
Get-Item $nupkgPath
