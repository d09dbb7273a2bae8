#Requires -Version 7.4
# Hostile input end to end on emulated hosts: values in pool files, -Parameter values and the cmdlets' own string parameters
# are refused before any host command (the emulator's command log and the -Verbose command lines stay empty), and
# -WhatIf:$false, $WhatIfPreference and -Confirm behave as PowerShell users expect in a non-interactive session.
# The per-field corpus (1,300+ cases read back by libxlutil) is in tests/SmartDomains.Tests/Pools/HostileInputCorpusTests.cs.
BeforeDiscovery {
    $script:poolCases = @(
        @{ Name = 'bridge adds a hotplug script'; Nic = @{ bridge = 'xenbr0,script=/tmp/x' }; Key = 'bridge' }
        @{ Name = 'model adds a backend'; Nic = @{ model = 'rtl8139,backend=0' }; Key = 'model' }
        @{ Name = 'ip with a second key'; Nic = @{ ip = '10.0.0.5,script=/tmp/x' }; Key = 'ip' }
        @{ Name = 'mac with a quote'; Nic = @{ mac = "00:16:3e:00:00:01'" }; Key = 'mac' }
        @{ Name = 'vdev adds a disk script'; Disk = @{ size = '8M'; vdev = 'xvda,script=/tmp/x' }; Key = 'vdev' }
        @{ Name = 'volume group climbs'; Disk = @{ size = '8M'; backend = 'lvm'; volumeGroup = '../vg0' }; Key = 'volumeGroup' }
        @{ Name = 'base image outside the repository'; Disk = @{ from = '../../etc/shadow' }; Key = 'from' }
        @{ Name = 'base image by absolute path'; Disk = @{ from = '/etc/shadow' }; Key = 'from' }
        @{ Name = 'kernel with a newline'; Domain = @{ kernel = "/boot/vmlinuz`n/tmp/x" }; Key = 'kernel' }
        @{ Name = 'bootloader that is a command'; Domain = @{ bootloader = '/bin/sh -c reboot' }; Key = 'bootloader' }
        @{ Name = 'cmdline with a control character'; Domain = @{ cmdline = "console=hvc0 `e[2J" }; Key = 'cmdline' }
    )
    $script:parameterCases = @(
        @{ Name = 'bridge'; Where = 'nic'; Value = 'xenbr0,script=/tmp/x' }
        @{ Name = 'model'; Where = 'nic'; Value = 'e1000,backend=0' }
        @{ Name = 'vdev'; Where = 'disk'; Value = 'xvdb,script=/tmp/x' }
        @{ Name = 'type'; Where = 'domain'; Value = 'hvm,x=1' }
        @{ Name = 'kernel'; Where = 'domain'; Value = '../vmlinuz' }
    )
}

BeforeAll {
    Import-Module $env:SMARTDOMAINS_MODULE -Force
    $script:root = Join-Path ([IO.Path]::GetTempPath()) "sd-hostile-$PID"
    $script:hostNames = 'hx1', 'hx2'
    $null = Connect-XenHost -Emulator -Name $hostNames -EmulatorRoot $root

    function script:Get-CommandLogs {
        foreach ($name in $hostNames) {
            $log = Join-Path $root "$name/var/lib/xen/emulator/commands.log"
            if (Test-Path $log) { "$name`n" + (Get-Content -Raw $log) } else { "$name`n" }
        }
    }
    # Runs a command; returns its errors, its output and the host command lines it wrote to the verbose stream.
    function script:Invoke-Refused([scriptblock] $Block) {
        $VerbosePreference = 'Continue'
        $ErrorActionPreference = 'Continue'
        $all = @(& $Block 2>&1 4>&1)
        [pscustomobject]@{
            Errors = @($all | Where-Object { $_ -is [System.Management.Automation.ErrorRecord] })
            Output = @($all | Where-Object { $_ -isnot [System.Management.Automation.ErrorRecord] -and $_ -isnot [System.Management.Automation.VerboseRecord] })
            HostCommands = @($all | Where-Object { $_ -is [System.Management.Automation.VerboseRecord] -and $_.Message -match '^\[hx\d\] ' })
        }
    }
    function script:New-Definition([hashtable] $Domain, [hashtable] $Disk, [hashtable] $Nic) {
        $d = @{ name = 'h'; extends = 'debian'; memory = 128; disks = @(@{ size = '8M' }); network = @(@{ bridge = 'xenbr0' }) }
        if ($Domain) { foreach ($k in $Domain.Keys) { $d[$k] = $Domain[$k] } }
        if ($Disk) { $d.disks = @($Disk) }
        if ($Nic) { $d.network = @($Nic) }
        @{ name = 'hostile'; domains = @($d) }
    }
}

AfterAll {
    Clear-XenHost -Force -ErrorAction Ignore | Out-Null
    Disconnect-XenHost -Name $hostNames -ErrorAction Ignore
    Remove-Item -Recurse -Force $root -ErrorAction Ignore
}

Describe 'Hostile pool values' {
    BeforeAll { $script:logsBefore = Get-CommandLogs }

    It '<Name> is PoolFileInvalid at the field, before any host command' -ForEach $poolCases {
        $r = Invoke-Refused { New-XenPool -Definition (New-Definition $Domain $Disk $Nic) }
        $r.Output | Should -BeNullOrEmpty
        $r.HostCommands | Should -BeNullOrEmpty
        $r.Errors.FullyQualifiedErrorId | Should -BeLike 'PoolFileInvalid*'
        $x = @($r.Errors[0].Exception.Errors | Where-Object JsonPath -Like "*.$Key")
        $x | Should -Not -BeNullOrEmpty -Because $r.Errors[0].Exception.Message
        $x[0].Line | Should -BeGreaterThan 0
        $x[0].Column | Should -BeGreaterThan 0
    }

    It 'a -Parameter value for <Name> is checked after substitution and the error names the parameter' -ForEach $parameterCases {
        $placeholder = '${' + $Name + '}'
        $def = switch ($Where) {
            'nic' { New-Definition -Nic @{ $Name = $placeholder } }
            'disk' { New-Definition -Disk @{ size = '8M'; $Name = $placeholder } }
            default { New-Definition -Domain @{ $Name = $placeholder } }
        }
        $r = Invoke-Refused { New-XenPool -Definition $def -Parameter @{ $Name = $Value } }
        $r.Output | Should -BeNullOrEmpty
        $r.HostCommands | Should -BeNullOrEmpty
        $r.Errors.FullyQualifiedErrorId | Should -BeLike 'PoolFileInvalid*'
        $r.Errors[0].Exception.Message | Should -Match "filled from parameter '$Name'"
    }

    It 'sent no command to any host while refusing them' {
        Get-CommandLogs | Should -Be $logsBefore
    }

    It 'the same values that are fine plan and render (the checks are not simply refusing everything)' {
        $pool = New-XenPool -Definition (New-Definition -Nic @{ bridge = 'xenbr1'; model = 'e1000'; mac = '00:16:3e:00:00:01' } -Disk @{ size = '8M'; vdev = 'xvdb' }) -ErrorAction Stop
        $text = ($pool | Get-XenDomainConfig -Name h).Text
        $text | Should -Match 'mac=00:16:3e:00:00:01,bridge=xenbr1,model=e1000'
        $text | Should -Match 'vdev=xvdb'
    }
}

Describe 'Hostile values in the cmdlets'' own string parameters' {
    BeforeAll {
        $script:logsBefore = Get-CommandLogs
        $script:repo = Join-Path $root 'repo'
        New-Item -ItemType Directory -Force $repo | Out-Null
    }

    It 'a domain name for <Command> that is not a Xen name is XenDomainNameInvalid' -ForEach @(
        @{ Command = 'Stop-XenDomain' }, @{ Command = 'Start-XenDomain' }, @{ Command = 'Remove-XenDomain' }, @{ Command = 'Save-XenImage' }
    ) {
        foreach ($bad in 'web;reboot', '../web', '$(reboot)', 'Domain-0', "web`n1", '-rf') {
            $extra = if ($Command -eq 'Save-XenImage') { @{ Repository = $repo } } elseif ($Command -eq 'Remove-XenDomain') { @{ Force = $true } } else { @{} }
            $r = Invoke-Refused { & $Command -Name $bad @extra }
            $r.HostCommands | Should -BeNullOrEmpty -Because "$Command -Name '$bad'"
            $r.Errors.FullyQualifiedErrorId | Should -BeLike "XenDomainNameInvalid*" -Because "$Command -Name '$bad'"
        }
    }

    It 'an image name that climbs or holds a shell character is XenImageInvalid for <Command>' -ForEach @(
        @{ Command = 'Save-XenImage'; Parameters = @{ Name = 'h'; ImageName = '../../etc/x'; Repository = 'REPO' } }
        @{ Command = 'Save-XenImage'; Parameters = @{ Name = 'h'; ImageName = 'x;reboot'; Repository = 'REPO' } }
        @{ Command = 'Restore-XenImage'; Parameters = @{ Name = '../x'; Repository = 'REPO'; XenHost = 'hx1' } }
        @{ Command = 'Restore-XenImage'; Parameters = @{ Name = 'x$(reboot)'; Repository = 'REPO'; XenHost = 'hx1' } }
    ) {
        $p = @{} + $Parameters
        $p.Repository = $repo
        $thrown = $null
        try { $r = Invoke-Refused { & $Command @p } }
        catch { $thrown = $_ }
        $ids = if ($thrown) { $thrown.FullyQualifiedErrorId } else { $r.Errors.FullyQualifiedErrorId }
        $ids | Should -BeLike 'XenImageInvalid*'
        if ($r) { $r.HostCommands | Should -BeNullOrEmpty }
    }

    It 'a host setting that is not an absolute path or an allowed hotplug script is XenHostSettingInvalid before connecting' -ForEach @(
        @{ Parameters = @{ ComputerName = '127.0.0.1'; ConfigDir = 'etc/xen' } }
        @{ Parameters = @{ ComputerName = '127.0.0.1'; ImageDir = '/var/lib/xen/images;reboot' } }
        @{ Parameters = @{ ComputerName = '127.0.0.1'; StateDir = '/var/lib/../../tmp' } }
        @{ Parameters = @{ ComputerName = '127.0.0.1'; VifScript = '/tmp/evil' } }
        @{ Parameters = @{ Emulator = $true; Name = 'hx9'; EmulatorRoot = 'ROOT'; VifScript = 'vif-bridge,script=/tmp/x' } }
    ) {
        $p = @{} + $Parameters
        if ($p.EmulatorRoot) { $p.EmulatorRoot = $root }
        { Connect-XenHost @p -ErrorAction Stop } | Should -Throw -ErrorId 'XenHostSettingInvalid*'
        Get-XenHost -Name hx9 -ErrorAction Ignore | Should -BeNullOrEmpty
    }

    It 'an allowed hotplug script is the host''s, and every vif of a domain on that host carries it' {
        $null = Connect-XenHost -Emulator -Name hx3 -EmulatorRoot $root -VifScript vif-openvswitch
        try {
            (Get-XenHost -Name hx3).VifScript | Should -Be 'vif-openvswitch'
            $pool = New-XenPool -Definition (New-Definition) -XenHost hx3 -ErrorAction Stop
            ($pool | Get-XenDomainConfig -Name h).Text | Should -Match 'bridge=xenbr0,script=vif-openvswitch'
        }
        finally { Disconnect-XenHost -Name hx3 }
    }

    It 'sent no command to any host while refusing them' {
        Get-CommandLogs | Should -Be $logsBefore
    }
}

Describe 'ShouldProcess in a non-interactive session' {
    BeforeAll {
        $childRoot = Join-Path $root 'child'
        $script:childScript = Join-Path $root 'shouldprocess-child.ps1'
        Set-Content $childScript @'
param([string] $Module, [string] $Root)
$ErrorActionPreference = 'Continue'
Import-Module $Module
$null = Connect-XenHost -Emulator -Name sp1 -EmulatorRoot $Root
function Running { @((Get-XenDomain -ErrorAction SilentlyContinue | Where-Object DomId -NE 0).Name) }
function Statuses { @($input | ForEach-Object { "$($_.Status)" }) }
function Pool([string] $Name) { New-XenPool -Definition @{ name = $Name; domains = @(@{ name = $Name; extends = 'debian'; memory = 128; disks = @(); liveness = @{ enabled = $false } }) } }
$r = [ordered]@{}
$DryRun = $false
$r.whatIfFalse = Pool 'sp-a' | Start-XenPool -WhatIf:$DryRun | Statuses
$r.afterWhatIfFalse = Running
$e = $null; $null = Clear-XenHost -WhatIf:$false -ErrorVariable e -ErrorAction SilentlyContinue
$r.clearWhatIfFalseErrors = @($e.FullyQualifiedErrorId)
$r.afterClearWhatIfFalse = Running
$e = $null; $null = Clear-XenHost -Confirm -ErrorVariable e -ErrorAction SilentlyContinue
$r.clearConfirmErrors = @($e.FullyQualifiedErrorId)
$r.afterClearConfirm = Running
$WhatIfPreference = $true
$r.whatIfPreferenceStart = Pool 'sp-b' | Start-XenPool | Statuses
$r.whatIfPreferenceClear = Clear-XenHost -Force | Statuses
$WhatIfPreference = $false
$r.afterWhatIfPreference = Running
$null = Pool 'sp-c' | Start-XenPool -WhatIf -Verbose
$r.afterWhatIf = Running
$ConfirmPreference = 'Low'
$e = $null; $r.confirmLowStart = Pool 'sp-d' | Start-XenPool -ErrorVariable e -ErrorAction SilentlyContinue | Statuses; $r.confirmLowErrors = @($e.FullyQualifiedErrorId)
$ConfirmPreference = 'High'
$r.afterConfirmLow = Running
$e = $null; $r.confirmFalse = Clear-XenHost -Confirm:$false -ErrorVariable e | Statuses; $r.confirmFalseErrors = @($e.FullyQualifiedErrorId)
$r.afterConfirmFalse = Running
$null = Pool 'sp-e' | Start-XenPool
$ConfirmPreference = 'None'
$e = $null; $r.confirmNone = Clear-XenHost -ErrorVariable e | Statuses; $r.confirmNoneErrors = @($e.FullyQualifiedErrorId)
$ConfirmPreference = 'High'
$r.afterConfirmNone = Running
"===JSON==="
$r | ConvertTo-Json -Depth 4
'@
        $pwsh = @([Environment]::ProcessPath)
        if ((Split-Path -Leaf $pwsh[0]) -like 'dotnet*') { $pwsh += Join-Path $PSHOME 'pwsh.dll' }
        $raw = & $pwsh[0] $pwsh[1..9] -NoProfile -NonInteractive -File $childScript -Module $env:SMARTDOMAINS_MODULE -Root $childRoot 2>&1 | Out-String
        $script:childOutput = $raw
        $at = $raw.IndexOf('===JSON===')
        $script:whatIfText = if ($at -ge 0) { $raw.Substring(0, $at) } else { $raw }
        $script:r = if ($at -ge 0) { $raw.Substring($at + 10) | ConvertFrom-Json } else { [pscustomobject]@{} }
    }

    It '-WhatIf:$false runs: Start-XenPool -WhatIf:$DryRun with $DryRun = $false starts the pool' {
        $r.whatIfFalse | Should -Be @('Started') -Because $childOutput
        $r.afterWhatIfFalse | Should -Contain 'sp-a'
    }

    It '-WhatIf:$false does not get past the no-prompt guard: Clear-XenHost without -Force is XenConfirmationRequired' {
        $r.clearWhatIfFalseErrors | Should -BeLike 'XenConfirmationRequired*' -Because $childOutput
        $r.afterClearWhatIfFalse | Should -Contain 'sp-a'
    }

    It '-Confirm where nobody can answer is XenConfirmationRequired, not a hang or a silent yes' {
        $r.clearConfirmErrors | Should -BeLike 'XenConfirmationRequired*' -Because $childOutput
        $r.afterClearConfirm | Should -Contain 'sp-a'
    }

    It '$WhatIfPreference = $true is honoured by Start-XenPool and by Clear-XenHost -Force' {
        $r.whatIfPreferenceStart | Should -BeNullOrEmpty -Because $childOutput
        $r.whatIfPreferenceClear | Should -Not -BeNullOrEmpty
        $r.whatIfPreferenceClear | Should -Not -Contain 'Removed'
        $r.afterWhatIfPreference | Should -Be @('sp-a')
    }

    It '-WhatIf shows what the run would do: the config write with its size on standard input and xl create' {
        $whatIfText | Should -Match 'Performing the operation "Write the xl.cfg of sp-c \(\d+ bytes\)"' -Because $childOutput
        $whatIfText | Should -Match 'bytes on standard input'
        $whatIfText | Should -Match 'xl create -q \S*sp-c\.cfg'
        $r.afterWhatIf | Should -Be @('sp-a')
    }

    It '$ConfirmPreference = Low makes Start-XenPool ask, which a non-interactive session refuses with XenConfirmationRequired' {
        $r.confirmLowErrors | Should -BeLike 'XenConfirmationRequired*' -Because $childOutput
        $r.confirmLowStart | Should -BeNullOrEmpty
        $r.afterConfirmLow | Should -Be @('sp-a')
    }

    It '$ConfirmPreference = None lets Clear-XenHost go ahead without -Force, as PowerShell''s own cmdlets do' {
        $r.confirmNoneErrors | Should -BeNullOrEmpty -Because $childOutput
        $r.confirmNone | Should -Not -BeNullOrEmpty
        $r.afterConfirmNone | Should -BeNullOrEmpty
    }

    It '-Confirm:$false goes ahead without a prompt' {
        $r.confirmFalseErrors | Should -BeNullOrEmpty -Because $childOutput
        $r.confirmFalse | Should -Not -BeNullOrEmpty
        $r.afterConfirmFalse | Should -BeNullOrEmpty
    }
}
