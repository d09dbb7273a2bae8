#Requires -Version 7.4
# The module next to other modules: SSH.NET and what it pulls in load in the module's own AssemblyLoadContext (named
# SmartDomains), never in the default one, so a session that already holds another version keeps it and the module keeps
# working. Each case runs in a fresh child pwsh (a process can hold only what it has loaded) and reports the assemblies of
# every load context as JSON; nothing below is assumed, all is read back from that child.
BeforeDiscovery {
    $script:canRunHosts = $IsLinux -and ((id -u) -eq 0) -and (Test-Path /usr/sbin/sshd)

    # An older BouncyCastle than SSH.NET's, from NuGet into the package folder (a temp project restores it once, then it is
    # cached). Its assembly version is 2.0.0.0 like every 2.x, so without isolation SSH.NET would bind to it.
    $script:olderBouncyCastle = $null
    $packages = if ($env:NUGET_PACKAGES) { $env:NUGET_PACKAGES } else { Join-Path $HOME '.nuget/packages' }
    $dll = Join-Path $packages 'bouncycastle.cryptography/2.4.0/lib/net6.0/BouncyCastle.Cryptography.dll'
    if (-not (Test-Path $dll)) {
        $restoreDir = Join-Path ([IO.Path]::GetTempPath()) "sd-bc-restore-$PID"
        New-Item -ItemType Directory -Force $restoreDir | Out-Null
        Set-Content (Join-Path $restoreDir 'Fetch.proj') @'
<Project Sdk="Microsoft.NET.Sdk">
  <PropertyGroup><TargetFramework>net8.0</TargetFramework><IsPackable>false</IsPackable></PropertyGroup>
  <ItemGroup><PackageDownload Include="BouncyCastle.Cryptography" Version="[2.4.0]" /></ItemGroup>
</Project>
'@
        $restore = & dotnet restore (Join-Path $restoreDir 'Fetch.proj') --nologo -v q 2>&1
        Remove-Item -Recurse -Force $restoreDir -ErrorAction Ignore
        if (-not (Test-Path $dll)) { Write-Host "Skipping the BouncyCastle 2.4.0 conflict test: NuGet did not give BouncyCastle.Cryptography 2.4.0 ($("$restore" -replace '\s+', ' '))" }
    }
    if (Test-Path $dll) { $script:olderBouncyCastle = $dll }
}

BeforeAll {
    Import-Module "$PSScriptRoot/../Harness/TestHosts.psm1" -Force
    $script:work = Join-Path ([IO.Path]::GetTempPath()) "sd-alc-$PID"
    New-Item -ItemType Directory -Force $work | Out-Null
    $script:dependencyDir = Join-Path (Split-Path $env:SMARTDOMAINS_MODULE) 'dependencies'

    # Runs a script in a fresh pwsh and returns the object its last output line holds as JSON.
    function script:Invoke-ChildSession([string] $Script, [hashtable] $Parameters) {
        $file = Join-Path $work "child-$([guid]::NewGuid().ToString('n')).ps1"
        Set-Content $file $Script
        $pwsh = @(Get-PwshCommand)
        $arguments = @($pwsh | Select-Object -Skip 1) + '-NoProfile', '-NonInteractive', '-File', $file
        foreach ($key in $Parameters.Keys) { $arguments += "-$key", $Parameters[$key] }
        $output = & $pwsh[0] @arguments 2>&1 | Out-String
        $LASTEXITCODE | Should -Be 0 -Because $output
        $output.Trim().Split("`n")[-1] | ConvertFrom-Json
    }

    # Dot-sourced by every child script: the assemblies of interest in each load context.
    $script:reportScript = Join-Path $work 'LoadContextReport.ps1'
    Set-Content $reportScript @'
function Get-LoadContextReport {
    @([System.Runtime.Loader.AssemblyLoadContext]::All | ForEach-Object {
        [ordered]@{
            Name       = $_.Name
            Assemblies = @($_.Assemblies | Where-Object { $_.GetName().Name -match '^(SmartDomains|Renci|BouncyCastle|Microsoft\.Extensions|Newtonsoft)' } | ForEach-Object {
                [ordered]@{
                    Name     = $_.GetName().Name
                    Version  = "$($_.GetName().Version)"
                    Product  = @($_.GetCustomAttributes([Reflection.AssemblyInformationalVersionAttribute], $false))[0]?.InformationalVersion
                    Location = $_.Location
                }
            })
        }
    })
}
'@

    # The assemblies a load context holds, by name.
    function script:Get-ContextAssembly($Report, [string] $Context) { @(($Report | Where-Object Name -EQ $Context).Assemblies) }
}

AfterAll {
    Remove-Item -Recurse -Force $work -ErrorAction Ignore
}

Describe 'The module''s own load context' {
    BeforeAll {
        # A loopback port nobody listens on: the connect goes as far as SSH.NET's socket, so the transport and SSH.NET load.
        $listener = [Net.Sockets.TcpListener]::new([Net.IPAddress]::Loopback, 0)
        $listener.Start()
        $closedPort = $listener.LocalEndpoint.Port
        $listener.Stop()
        $script:result = Invoke-ChildSession -Parameters @{ Report = $reportScript; ModulePath = $env:SMARTDOMAINS_MODULE; Port = $closedPort } -Script @'
param([string] $Report, [string] $ModulePath, [int] $Port)
$ErrorActionPreference = 'Stop'
. $Report
$credential = [pscredential]::new('root', (ConvertTo-SecureString 'unused' -AsPlainText -Force))
$r = [ordered]@{}
Import-Module $ModulePath
$r.AfterImport = Get-LoadContextReport
Connect-XenHost -ComputerName 127.0.0.1 -Port $Port -Credential $credential -ConnectTimeoutSeconds 5 -ErrorAction SilentlyContinue -ErrorVariable failed | Out-Null
$r.FirstError = "$($failed[0].FullyQualifiedErrorId)"
$r.AfterConnect = Get-LoadContextReport
# A type of the core resolves as a literal: the core is in the default context.
$r.CoreTypeLiteral = [SmartDomains.Hosts.HostConnectionInfo].Assembly.GetName().Name
Remove-Module SmartDomains
Import-Module $ModulePath
Connect-XenHost -ComputerName 127.0.0.1 -Port $Port -Credential $credential -ConnectTimeoutSeconds 5 -ErrorAction SilentlyContinue -ErrorVariable failedAgain | Out-Null
$r.ErrorAfterReimport = "$($failedAgain[0].FullyQualifiedErrorId)"
$r.Commands = @(Get-Command -Module SmartDomains).Count
$r.AfterReimport = Get-LoadContextReport
[pscustomobject]$r | ConvertTo-Json -Compress -Depth 6
'@
        $script:moduleNames = 'SmartDomains.Ssh', 'Renci.SshNet', 'Microsoft.Extensions.Logging.Abstractions'
    }

    It 'loads nothing into its own context on import' {
        (Get-ContextAssembly $result.AfterImport 'Default').Name | Should -Contain 'SmartDomains.Commands'
        Get-ContextAssembly $result.AfterImport 'SmartDomains' | Should -BeNullOrEmpty
    }

    It 'loads SSH.NET and the SSH transport into the SmartDomains context, from dependencies/, on the first SSH connect' {
        $result.FirstError | Should -BeLike 'XenHostUnreachable*' -Because 'the connect failed at the socket, not at loading an assembly'
        $own = Get-ContextAssembly $result.AfterConnect 'SmartDomains'
        foreach ($name in $moduleNames) {
            $assembly = @($own | Where-Object Name -EQ $name)
            $assembly.Count | Should -Be 1 -Because "$name must load once, in the module's context"
            Split-Path $assembly[0].Location | Should -Be $dependencyDir
        }
    }

    It 'keeps every dependency of the module out of the default context' {
        $default = (Get-ContextAssembly $result.AfterConnect 'Default').Name
        foreach ($name in $moduleNames + 'BouncyCastle.Cryptography' + 'Microsoft.Extensions.DependencyInjection.Abstractions') {
            $default | Should -Not -Contain $name
        }
        # Nor in any other context than its own: the transport found its dependencies in dependencies/ only.
        $elsewhere = $result.AfterConnect | Where-Object Name -NotIn 'Default', 'SmartDomains' | ForEach-Object { $_.Assemblies.Name }
        $elsewhere | Should -BeNullOrEmpty
    }

    It 'keeps the cmdlets and the core in the default context, once, so PowerShell resolves their types' {
        foreach ($name in 'SmartDomains', 'SmartDomains.Commands') {
            @($result.AfterConnect | ForEach-Object { $_.Assemblies } | Where-Object Name -EQ $name).Count | Should -Be 1
            (Get-ContextAssembly $result.AfterConnect 'Default').Name | Should -Contain $name
        }
        $result.CoreTypeLiteral | Should -Be 'SmartDomains'
    }

    It 'works again after Remove-Module and Import-Module in the same session, with no second copy' {
        $result.ErrorAfterReimport | Should -BeLike 'XenHostUnreachable*'
        $result.Commands | Should -Be (Import-PowerShellDataFile $env:SMARTDOMAINS_MODULE).CmdletsToExport.Count
        @($result.AfterReimport | Where-Object Name -EQ 'SmartDomains').Count | Should -Be 1
        @($result.AfterReimport | ForEach-Object { $_.Assemblies } | Where-Object Name -EQ 'Renci.SshNet').Count | Should -Be 1
    }
}

Describe 'Next to BouncyCastle 2.4.0 in the default context, over SSH' -Skip:(-not $canRunHosts -or -not $olderBouncyCastle) {
    BeforeAll {
        $emulatorDir = Join-Path (Split-Path $env:SMARTDOMAINS_MODULE) 'emulator'
        $script:set = Start-TestHostSet -Count 1 -EmulatorDir $emulatorDir -Prefix sdalc
        $known = New-TestKnownHostsFile -Hosts $set -Path (Join-Path $work 'known_hosts')
        # A domain made with xl on the host itself, for Get-XenDomain to find.
        Invoke-TestHostShell -Host $set[0] -Command "mkdir -p /var/lib/xen/images && echo k > /var/lib/xen/images/vmlinuz && printf 'name=`"alc-probe`"\nkernel=`"/var/lib/xen/images/vmlinuz`"\nmemory=128\n' > /etc/xen/alc-probe.cfg && xl create -q /etc/xen/alc-probe.cfg" | Out-Null
        $script:result = Invoke-ChildSession -Script @'
param([string] $Report, [string] $BouncyCastle, [string] $ModulePath, [string] $Address, [string] $KeyFile, [string] $KnownHosts)
$ErrorActionPreference = 'Stop'
. $Report
$r = [ordered]@{}
# What another module (say one built on an older SSH.NET) would have done first.
Add-Type -Path $BouncyCastle
Import-Module $ModulePath
$h = Connect-XenHost -ComputerName $Address -KeyFile $KeyFile -KnownHostsFile $KnownHosts -ConnectTimeoutSeconds 10
$r.Connected = $h.Connected
$r.Fingerprint = $h.HostKeyFingerprint
$r.Domains = @(Get-XenDomain | ForEach-Object Name)
# The session's own copy still works after the module did its key exchange with another.
$digest = [Org.BouncyCastle.Crypto.Digests.Sha256Digest]::new()
$r.DefaultDigestType = $digest.GetType().Assembly.Location
$r.Contexts = Get-LoadContextReport
Get-XenHost -NoRefresh | Disconnect-XenHost
[pscustomobject]$r | ConvertTo-Json -Compress -Depth 6
'@ -Parameters @{
            Report = $reportScript; BouncyCastle = $olderBouncyCastle; ModulePath = $env:SMARTDOMAINS_MODULE; Address = $set[0].Address
            KeyFile = $set[0].ClientKeyFile; KnownHosts = $known
        }
    }
    AfterAll {
        if ($set) { Stop-TestHostSet -Hosts $set }
    }

    It 'connects over SSH and runs Get-XenDomain on the host' {
        $result.Connected | Should -BeTrue
        $result.Fingerprint | Should -Be $set[0].HostKeyFingerprint
        $result.Domains | Should -Be 'alc-probe'
    }

    # Tried by hand: the module before this context (one folder, default context) also connected here, bound to 2.4.0,
    # because this sshd's key exchange needs nothing newer. So the assertions that tell are which context holds which copy.
    It 'leaves BouncyCastle 2.4.0 in the default context, still in use there' {
        $bc = @(Get-ContextAssembly $result.Contexts 'Default' | Where-Object Name -EQ 'BouncyCastle.Cryptography')
        $bc.Count | Should -Be 1
        $bc[0].Product | Should -BeLike '2.4.0*'
        $bc[0].Location | Should -Be $olderBouncyCastle
        $result.DefaultDigestType | Should -Be $olderBouncyCastle
    }

    It 'holds its own BouncyCastle (the one SSH.NET was built with) in the SmartDomains context' {
        $bc = @(Get-ContextAssembly $result.Contexts 'SmartDomains' | Where-Object Name -EQ 'BouncyCastle.Cryptography')
        $bc.Count | Should -Be 1
        $bc[0].Location | Should -Be (Join-Path $dependencyDir 'BouncyCastle.Cryptography.dll')
        $bc[0].Product | Should -Not -BeLike '2.4.0*'
        (Get-ContextAssembly $result.Contexts 'SmartDomains').Name | Should -Contain 'Renci.SshNet'
    }
}
