#Requires -Version 7.4
# Test-XenDomainLiveness and Wait-XenDomain end to end: on emulated hosts (stand-in guests on 127.x addresses), and on an SSH
# test host, where the guest address exists only inside the host's network namespace, so only a probe run on dom0 reaches it.
BeforeDiscovery {
    $script:canRunHosts = $IsLinux -and ((id -u) -eq 0) -and (Test-Path /usr/sbin/sshd)
}

Describe 'Liveness on emulated hosts' {
    BeforeAll {
        Import-Module $env:SMARTDOMAINS_MODULE -Force
        $script:root = Join-Path ([IO.Path]::GetTempPath()) "sd-live-$PID"
        # A fresh 127.x subnet per run, so concurrent runs never share a guest address.
        $script:net = "127.$(Get-Random -Minimum 100 -Maximum 250).$(Get-Random -Minimum 1 -Maximum 250)"
        foreach ($name in 'lv1', 'lv2') {
            $state = Join-Path $root "$name/var/lib/xen/emulator"
            New-Item -ItemType Directory -Force $state | Out-Null
            @{
                hostname = $name; guest_boot_delay_ms = 150
                faults   = @{ guest_never_answers = @('mute', 'mute2'); crash_after_boot_s = @{ boom = 1.0 } }
            } | ConvertTo-Json -Depth 5 | Set-Content (Join-Path $state 'settings.json')
        }
        $script:hosts = Connect-XenHost -Emulator -Name lv1, lv2 -EmulatorRoot $root
        function script:New-TestDomain($h, [string] $Name, [string] $Ip, [string[]] $Extra = @()) {
            $kernel = Join-Path $h.ImageDir 'vmlinuz'
            Set-Content $kernel 'k'
            $cfg = Join-Path $h.ConfigDir "$Name.cfg"
            $lines = @("name = '$Name'", "kernel = '$kernel'", 'memory = 128') + $Extra
            if ($Ip) { $lines += "vif = [ 'ip=$Ip' ]" }
            $lines | Set-Content $cfg
            Invoke-XenCommand -Host $h create -q $cfg | Out-Null
        }
        New-TestDomain $hosts[0] web "$net.11"
        New-TestDomain $hosts[0] mute "$net.12"
        New-TestDomain $hosts[0] plain
        New-TestDomain $hosts[1] web2 "$net.21"
        New-TestDomain $hosts[1] mute2 "$net.22"
    }
    AfterAll {
        Get-XenDomain -ErrorAction Ignore | ForEach-Object { Invoke-XenCommand -Host $_.Host destroy $_.Name -ErrorAction Ignore } | Out-Null
        Get-XenHost -NoRefresh -ErrorAction Ignore | Disconnect-XenHost
        Remove-Item -Recurse -Force $root -ErrorAction Ignore
    }

    It 'Wait-XenDomain -For Network outputs the refreshed domains once their guests answer' {
        $watch = [Diagnostics.Stopwatch]::StartNew()
        $ready = Wait-XenDomain -Name web, web2 -For Network -SshBanner -TimeoutSeconds 30 -IntervalMilliseconds 100
        $watch.Elapsed.TotalSeconds | Should -BeLessThan 20
        $ready.Count | Should -Be 2
        $ready[0] | Should -BeOfType SmartDomains.Model.XenDomain
        ($ready.Name | Sort-Object) | Should -Be @('web', 'web2')
        ($ready | Where-Object Name -EQ web2).Host | Should -Be 'lv2'
        $ready.State | ForEach-Object { $_ | Should -BeIn 'Running', 'Blocked' }
    }

    It 'returns one [bool] per piped domain, in order' {
        $domains = Get-XenDomain -Host lv1
        $answers = $domains | Test-XenDomainLiveness
        $answers.Count | Should -Be 3
        $answers | ForEach-Object { $_ | Should -BeOfType [bool] }
        $byName = @{}; for ($i = 0; $i -lt 3; $i++) { $byName[$domains[$i].Name] = $answers[$i] }
        $byName.web | Should -BeTrue
        $byName.mute | Should -BeFalse
        $byName.plain | Should -BeFalse
    }

    It '-Detailed says which check failed, with timings' {
        $r = Test-XenDomainLiveness -Name web, mute, plain -XenHost lv1 -SshBanner -Detailed
        $r.Count | Should -Be 3
        $r[0] | Should -BeOfType SmartDomains.Liveness.LivenessResult
        $web, $mute, $plain = $r
        $web.Alive | Should -BeTrue
        $web.Failure | Should -Be 'None'
        $web.Address | Should -Be "$net.11"
        $web.Port | Should -Be 22
        $web.Banner | Should -BeLike 'SSH-2.0-*'
        $web.XlStateTime | Should -BeGreaterThan ([timespan]::Zero)
        $web.TcpTime | Should -BeGreaterThan ([timespan]::Zero)
        $web.BannerTime | Should -Not -BeNullOrEmpty
        $mute.Failure | Should -Be 'TcpRefused'
        $mute.Message | Should -Match 'refused'
        $plain.Failure | Should -Be 'NoAddress'
        $plain.TcpTime | Should -BeNullOrEmpty
    }

    It 'matches wildcards across hosts, and answers $false for a name that is nowhere' {
        $r = Test-XenDomainLiveness -Name 'web*', 'mute*' -Detailed
        ($r | ForEach-Object { "$($_.Host)/$($_.Domain)/$($_.Alive)" } | Sort-Object) |
            Should -Be @('lv1/mute/False', 'lv1/web/True', 'lv2/mute2/False', 'lv2/web2/True')
        Test-XenDomainLiveness -Name nosuch | Should -BeFalse
        $missing = Test-XenDomainLiveness -Name nosuch -Detailed
        $missing.Failure | Should -Be 'NotFound'
        $missing.Message | Should -Match 'lv1, lv2'
        Test-XenDomainLiveness -Name 'nothing*' | Should -BeNullOrEmpty
    }

    It 'uses -Address and -Port instead of the vif address' {
        $r = Test-XenDomainLiveness -Name plain -XenHost lv1 -Address "$net.11" -Port 22 -ProbeTimeoutSeconds 1 -Detailed
        $r.Alive | Should -BeTrue
        $r.Address | Should -Be "$net.11"
        (Test-XenDomainLiveness -Name web -XenHost lv1 -Port 2 -Detailed).Failure | Should -Be 'TcpRefused'
    }

    It 'reports a paused domain as NotRunning, and Wait-XenDomain -For Running waits for the unpause' {
        Invoke-XenCommand -Host lv2 pause web2 | Out-Null
        $r = Test-XenDomainLiveness -Name web2 -XenHost lv2 -Detailed
        $r.Failure | Should -Be 'NotRunning'
        $r.State | Should -Be 'Paused'
        # An operator unpauses it on the host meanwhile.
        $psi = [Diagnostics.ProcessStartInfo]::new((Join-Path (Split-Path $env:SMARTDOMAINS_MODULE) 'emulator/xl'))
        $psi.ArgumentList.Add('unpause'); $psi.ArgumentList.Add('web2')
        $psi.Environment['XL_EMULATOR_DIR'] = Join-Path $root 'lv2/var/lib/xen/emulator'
        $job = Start-ThreadJob { Start-Sleep -Milliseconds 800; ([Diagnostics.Process]::Start($using:psi)).WaitForExit() }
        try {
            $d = Get-XenDomain -Host lv2 -Name web2 | Wait-XenDomain -For Running -TimeoutSeconds 20 -IntervalMilliseconds 100
            $d.Name | Should -Be 'web2'
            $d.State | Should -BeIn 'Running', 'Blocked'
        }
        finally { $job | Wait-Job | Remove-Job -Force }
    }

    It 'times out with XenDomainWaitTimeout naming the domain, host, failed check and time' {
        $watch = [Diagnostics.Stopwatch]::StartNew()
        $out = Wait-XenDomain -Name mute, mute2 -For Network -TimeoutSeconds 2 -IntervalMilliseconds 200 -ErrorVariable err -ErrorAction SilentlyContinue
        $watch.Elapsed.TotalSeconds | Should -BeLessThan 8 -Because 'the two domains wait in parallel'
        $out | Should -BeNullOrEmpty
        $err.Count | Should -Be 2
        foreach ($e in $err) {
            $e.FullyQualifiedErrorId | Should -BeLike 'XenDomainWaitTimeout*'
            $e.CategoryInfo.Category | Should -Be 'OperationTimeout'
            $e.Exception.Message | Should -Match "Domain 'mute2?' on host 'lv[12]'"
            $e.Exception.Message | Should -Match 'TCP check failed'
            $e.Exception.Message | Should -Match 'not alive after \d+(\.\d+)? s'
        }
        (($err.TargetObject | ForEach-Object { "$_" }) -join ', ') | Should -Match "mute \(\d+\) on lv1" -Because 'the error is about the domain'
    }

    It 'writes XenDomainCrashed as soon as a domain crashes, without waiting out the timeout' {
        New-TestDomain $hosts[0] boom "$net.13" -Extra "on_crash = 'preserve'"
        $watch = [Diagnostics.Stopwatch]::StartNew()
        # Port 2 refuses, so only the crash can end the wait early.
        Wait-XenDomain -Name boom -XenHost lv1 -For Network -Port 2 -TimeoutSeconds 60 -IntervalMilliseconds 100 -ErrorVariable err -ErrorAction SilentlyContinue |
            Should -BeNullOrEmpty
        $watch.Elapsed.TotalSeconds | Should -BeLessThan 15
        $err[0].FullyQualifiedErrorId | Should -BeLike 'XenDomainCrashed*'
        $err[0].Exception.Message | Should -Match "'boom' on host 'lv1' has crashed"
        (Test-XenDomainLiveness -Name boom -XenHost lv1 -Detailed).Failure | Should -Be 'Crashed'
    }

    It 'Wait-XenDomain ends at once for a domain with no address (-For Network) or that does not exist' {
        $watch = [Diagnostics.Stopwatch]::StartNew()
        Wait-XenDomain -Name plain -XenHost lv1 -For Network -TimeoutSeconds 60 -ErrorVariable err -ErrorAction SilentlyContinue | Out-Null
        Wait-XenDomain -Name ghost -XenHost lv1 -TimeoutSeconds 60 -ErrorVariable +err -ErrorAction SilentlyContinue | Out-Null
        $watch.Elapsed.TotalSeconds | Should -BeLessThan 10
        $err[0].FullyQualifiedErrorId | Should -BeLike 'XenDomainNoAddress*'
        $err[1].FullyQualifiedErrorId | Should -BeLike 'XenDomainNotFound*'
        (Wait-XenDomain -Name plain -XenHost lv1 -For Running -TimeoutSeconds 10).Name | Should -Be 'plain'
    }

    It 'refuses an -Address that is not an IP address, and never runs it' {
        $marker = Join-Path $root 'pwned'
        { Test-XenDomainLiveness -Name web -XenHost lv1 -Address "127.0.0.1; touch $marker" -ErrorAction Stop } |
            Should -Throw -ErrorId 'XenLivenessAddressInvalid*'
        { Wait-XenDomain -Name web -XenHost lv1 -For Network -Address "`$(touch $marker)" } | Should -Throw -ErrorId 'XenLivenessAddressInvalid*'
        Test-XenDomainLiveness -Name "web; touch $marker" -XenHost lv1 | Should -BeFalse
        Test-Path $marker | Should -BeFalse
    }

    It 'shows each probe command with -Verbose, address and port as quoted values' {
        $verbose = Test-XenDomainLiveness -Name web -XenHost lv1 -Verbose 4>&1 | Where-Object { $_ -is [Management.Automation.VerboseRecord] }
        ($verbose.Message -join "`n") | Should -Match ([regex]::Escape("xl list -v web"))
        # The probe is a host script shown by its file name; address, port, banner and patience are its positional values.
        ($verbose.Message -join "`n") | Should -Match ([regex]::Escape("timeout 3 bash liveness-probe.bash $net.11 22 0 0"))
    }

    It 'formats LivenessResult as a table' {
        $text = Test-XenDomainLiveness -Name web -XenHost lv1 -Detailed | Format-Table | Out-String
        $text | Should -Match 'Domain\s+Host\s+Alive\s+Failure\s+State\s+Address\s+Port\s+Elapsed'
        $text | Should -Match "web\s+lv1\s+True\s+None"
    }
}

Describe 'Help examples run on emulated hosts' {
    BeforeAll {
        Import-Module $env:SMARTDOMAINS_MODULE -Force
        $script:savedXdg = $env:XDG_DATA_HOME
        $env:XDG_DATA_HOME = Join-Path ([IO.Path]::GetTempPath()) "sd-live-help-$PID"
        function script:Get-ExampleCode([string] $Command, [int] $Number) {
            (Get-Help $Command -Examples).examples.example[$Number - 1].code
        }
    }
    AfterAll {
        Get-XenDomain -ErrorAction Ignore | ForEach-Object { Invoke-XenCommand -Host $_.Host destroy $_.Name -ErrorAction Ignore } | Out-Null
        Get-XenHost -NoRefresh -ErrorAction Ignore | Disconnect-XenHost
        Remove-Item -Recurse -Force $env:XDG_DATA_HOME -ErrorAction Ignore
        $env:XDG_DATA_HOME = $savedXdg
    }

    It 'Test-XenDomainLiveness example 1 answers True' {
        $code = Get-ExampleCode Test-XenDomainLiveness 1
        $code | Should -Match 'Test-XenDomainLiveness -Name web1'
        $out = & ([scriptblock]::Create($code))
        $out | Select-Object -Last 1 | Should -BeTrue
    }

    It 'Wait-XenDomain example 1 outputs the domain' {
        $code = Get-ExampleCode Wait-XenDomain 1
        $out = & ([scriptblock]::Create($code))
        $out.Name | Should -Be 'web2'
        $out.Host | Should -Be 'emu1'
    }
}

Describe 'Liveness on SSH test hosts' -Skip:(-not $canRunHosts) {
    BeforeAll {
        Import-Module $env:SMARTDOMAINS_MODULE -Force
        Import-Module "$PSScriptRoot/../Harness/TestHosts.psm1" -Force
        $emulatorDir = Join-Path (Split-Path $env:SMARTDOMAINS_MODULE) 'emulator'
        $script:set = Start-TestHostSet -Count 1 -EmulatorDir $emulatorDir -Prefix sdl -Settings @{ guest_boot_delay_ms = 100 }
        $script:th = $set[0]
        $script:work = Join-Path ([IO.Path]::GetTempPath()) "sd-live-ssh-$PID"
        New-Item -ItemType Directory -Force $work | Out-Null
        $script:known = New-TestKnownHostsFile -Hosts $set -Path (Join-Path $work 'known_hosts')
        # Inside the host's namespace: one guest on the host's own subnet, one on a loopback address that exists only there.
        $script:guestIp = "10.231.$($th.SubnetIndex).50"
        $script:loopIp = "127.77.$($th.SubnetIndex).50"
        foreach ($g in @(@{ Name = 'sshguest'; Ip = $guestIp }, @{ Name = 'loopguest'; Ip = $loopIp })) {
            Invoke-TestHostShell -Host $th -Command ("mkdir -p /var/lib/xen/images && echo k > /var/lib/xen/images/vmlinuz && " +
                "printf 'name=`"$($g.Name)`"\nkernel=`"/var/lib/xen/images/vmlinuz`"\nmemory=128\nvif=[ `"ip=$($g.Ip)`" ]\n' > /etc/xen/$($g.Name).cfg && " +
                "xl create -q /etc/xen/$($g.Name).cfg") | Out-Null
        }
        $script:conn = Connect-XenHost -ComputerName $th.Address -KeyFile $th.ClientKeyFile -KnownHostsFile $known -ConnectTimeoutSeconds 5
    }
    AfterAll {
        Get-XenHost -NoRefresh -ErrorAction Ignore | Disconnect-XenHost
        if ($set) { Stop-TestHostSet -Hosts $set }
        Remove-Item -Recurse -Force $work -ErrorAction Ignore
    }

    It 'probes the guest address from dom0 over SSH, with the banner' {
        $d = Wait-XenDomain -Name sshguest -XenHost $conn -For Network -SshBanner -TimeoutSeconds 30 -IntervalMilliseconds 200
        $d.Name | Should -Be 'sshguest'
        $r = Get-XenDomain -Name sshguest | Test-XenDomainLiveness -SshBanner -Detailed
        $r.Alive | Should -BeTrue -Because $r.Message
        $r.Host | Should -Be $th.Address
        $r.Address | Should -Be $guestIp
        $r.Banner | Should -Be 'SSH-2.0-SmartDomainsGuest'
        $r.TcpTime | Should -BeGreaterThan ([timespan]::Zero)
        # The address is the namespace's own: the emulator put it on the namespace's lo.
        Invoke-TestHostShell -Host $th -Command 'ip -o -4 addr show dev lo' | Should -Match ([regex]::Escape("$guestIp/32"))
    }

    It 'reaches an address that exists only inside the host namespace, which this computer cannot reach' {
        $d = Wait-XenDomain -Name loopguest -XenHost $conn -For Network -TimeoutSeconds 30 -IntervalMilliseconds 200
        $d.Name | Should -Be 'loopguest'
        (Test-XenDomainLiveness -Name loopguest -XenHost $conn -Detailed).Alive | Should -BeTrue
        # From here (the root namespace) the same 127.x address is this computer's own loopback, where nothing listens on 22.
        $client = [Net.Sockets.TcpClient]::new()
        try { { $client.Connect($loopIp, 22) } | Should -Throw } finally { $client.Dispose() }
    }

    It 'writes XenHostUnreachable when sshd is gone, and works again when it is back' {
        Stop-TestHostSshd -Host $th -KillSessions
        try {
            $watch = [Diagnostics.Stopwatch]::StartNew()
            $out = Test-XenDomainLiveness -Name sshguest -XenHost $conn -ErrorVariable err -ErrorAction SilentlyContinue
            $watch.Elapsed.TotalSeconds | Should -BeLessThan 15
            $out | Should -BeNullOrEmpty
            $err[0].FullyQualifiedErrorId | Should -BeLike 'XenHostUnreachable*'
            $err[0].Exception.Message | Should -Match 'sshguest'
        }
        finally { Start-TestHostSshd -Host $th }
        Test-XenDomainLiveness -Name sshguest -XenHost $conn | Should -BeTrue
    }
}
