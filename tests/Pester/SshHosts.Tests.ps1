#Requires -Version 7.4
# End-to-end over real sshd test hosts (one network namespace each): connections, host keys, queries, reconnects. Once over
# each transport (SSH.NET, and the system's OpenSSH with a master connection per host): same results, same error ids.
BeforeDiscovery {
    $script:canRunHosts = $IsLinux -and ((id -u) -eq 0) -and (Test-Path /usr/sbin/sshd)
}

Describe 'SSH test hosts over <Transport>' -Skip:(-not $canRunHosts) -ForEach @(@{ Transport = 'SshNet' }, @{ Transport = 'OpenSSH' }) {
    BeforeAll {
        # Every Connect-XenHost below, and in the parallel runspaces' reconnects (the XenHost carries it), uses this transport.
        $PSDefaultParameterValues['Connect-XenHost:Transport'] = $Transport
        Import-Module $env:SMARTDOMAINS_MODULE -Force
        Import-Module "$PSScriptRoot/../Harness/TestHosts.psm1" -Force
        $emulatorDir = Join-Path (Split-Path $env:SMARTDOMAINS_MODULE) 'emulator'
        $script:set = Start-TestHostSet -Count 3 -EmulatorDir $emulatorDir -Prefix sdc
        $script:work = Join-Path ([IO.Path]::GetTempPath()) "sd-ssh-$PID"
        New-Item -ItemType Directory -Force $work | Out-Null
        $script:known = New-TestKnownHostsFile -Hosts $set -Path (Join-Path $work 'known_hosts')
        function script:Connect-Test($h, [hashtable] $Extra = @{}) {
            Connect-XenHost -ComputerName $h.Address -KeyFile $h.ClientKeyFile -KnownHostsFile $known -ConnectTimeoutSeconds 5 @Extra
        }
        function script:Get-CommandLog($h) { (Invoke-TestHostShell -Host $h -Command 'cat /var/lib/xen/emulator/commands.log 2>/dev/null || true') -split "`n" | Where-Object { $_ } }
    }
    AfterAll {
        $PSDefaultParameterValues.Remove('Connect-XenHost:Transport')
        Get-XenHost -NoRefresh -ErrorAction Ignore | Disconnect-XenHost
        if ($set) { Stop-TestHostSet -Hosts $set }
        Remove-Item -Recurse -Force $work -ErrorAction Ignore
    }
    AfterEach { Get-XenHost -NoRefresh -ErrorAction Ignore | Disconnect-XenHost }

    Context 'Connecting' {
        It 'connects to every host with a key and reads its facts' {
            $hosts = $set | ForEach-Object { Connect-Test $_ }
            $hosts.Count | Should -Be 3
            foreach ($i in 0..2) {
                $hosts[$i].Name | Should -Be $set[$i].Address
                $hosts[$i].Connected | Should -BeTrue
                $hosts[$i].HostKeyFingerprint | Should -Be $set[$i].HostKeyFingerprint
                $hosts[$i].XenVersion | Should -Match '^4\.17'
                $hosts[$i].TotalMemoryMiB | Should -BeGreaterThan 0
            }
        }

        It 'connects to several computer names in one call' {
            $hosts = Connect-XenHost -ComputerName ($set | ForEach-Object Address) -KeyFile $set[0].ClientKeyFile -KnownHostsFile $known
            ($hosts.Name | Sort-Object) | Should -Be ($set | ForEach-Object Address | Sort-Object)
        }

        It 'refuses a key the host does not authorize, with XenAuthenticationFailed' {
            $wrong = (New-TestClientKey -Directory $work -Name wrong_ed25519).KeyFile
            Connect-XenHost -ComputerName $set[0].Address -KeyFile $wrong -KnownHostsFile $known -ErrorVariable err -ErrorAction SilentlyContinue | Should -BeNullOrEmpty
            $err[0].FullyQualifiedErrorId | Should -BeLike 'XenAuthenticationFailed*'
            $err[0].CategoryInfo.Category | Should -Be 'AuthenticationError'
            Get-XenHost -NoRefresh | Should -BeNullOrEmpty
        }

        # OpenSSH never takes a password (batch mode): OpenSsh.Tests.ps1 checks that it refuses one.
        It 'never shows a password in errors or verbose output' -Skip:($Transport -eq 'OpenSSH') {
            $secret = 'S3cret-' + [guid]::NewGuid()
            $cred = [pscredential]::new('root', (ConvertTo-SecureString $secret -AsPlainText -Force))
            $out = Connect-XenHost -ComputerName $set[0].Address -Credential $cred -KnownHostsFile $known -Verbose -ErrorVariable err -ErrorAction SilentlyContinue 4>&1 | Out-String
            $err[0].FullyQualifiedErrorId | Should -BeLike 'XenAuthenticationFailed*'
            ($out + ($err | Out-String) + ($err[0].Exception | Format-List * -Force | Out-String)) | Should -Not -Match ([regex]::Escape($secret))
        }

        It 'refuses an unknown host key under Strict, with XenHostKeyUnknown and the fingerprint' {
            $empty = Join-Path $work 'empty_known_hosts'
            Set-Content $empty ''
            $logBefore = @(Get-CommandLog $set[1]).Count
            Connect-XenHost -ComputerName $set[1].Address -KeyFile $set[1].ClientKeyFile -KnownHostsFile $empty -ErrorVariable err -ErrorAction SilentlyContinue | Should -BeNullOrEmpty
            $err[0].FullyQualifiedErrorId | Should -BeLike 'XenHostKeyUnknown*'
            $err[0].Exception.Message | Should -Match ([regex]::Escape($set[1].HostKeyFingerprint))
            (Get-Content $empty -Raw).Trim() | Should -BeNullOrEmpty
            @(Get-CommandLog $set[1]).Count | Should -Be $logBefore -Because 'no command may run on a host whose key is not trusted'
        }

        It 'records a new host under AcceptNew, then trusts it under Strict' {
            $file = Join-Path $work 'accept_new_known_hosts'
            Connect-XenHost -ComputerName $set[2].Address -KeyFile $set[2].ClientKeyFile -KnownHostsFile $file -HostKeyPolicy AcceptNew | Should -Not -BeNullOrEmpty
            # ssh-keygen -F finds the line whether it was written plain or hashed (OpenSSH follows HashKnownHosts).
            $found = (& ssh-keygen -F $set[2].Address -f $file) -join "`n"
            $found | Should -Match ([regex]::Escape(($set[2].HostPublicKeyLine -split ' ')[0..1] -join ' '))
            Disconnect-XenHost
            Connect-XenHost -ComputerName $set[2].Address -KeyFile $set[2].ClientKeyFile -KnownHostsFile $file -HostKeyPolicy Strict | Should -Not -BeNullOrEmpty
        }

        It 'accepts a pinned fingerprint without known_hosts, and refuses a wrong pin' {
            $none = Join-Path $work 'no_such_known_hosts'
            Connect-XenHost -ComputerName $set[0].Address -KeyFile $set[0].ClientKeyFile -KnownHostsFile $none -HostKeyPolicy "SHA256:$($set[0].HostKeyFingerprint)" | Should -Not -BeNullOrEmpty
            Disconnect-XenHost
            Connect-XenHost -ComputerName $set[1].Address -KeyFile $set[1].ClientKeyFile -KnownHostsFile $none -HostKeyPolicy "SHA256:$($set[0].HostKeyFingerprint)" -ErrorVariable err -ErrorAction SilentlyContinue | Should -BeNullOrEmpty
            $err[0].FullyQualifiedErrorId | Should -BeLike 'XenHostKeyMismatch*'
            Test-Path $none | Should -BeFalse
        }

        It 'rejects a malformed host key policy as a bad argument' {
            { Connect-XenHost -ComputerName $set[0].Address -KeyFile $set[0].ClientKeyFile -HostKeyPolicy 'sometimes' -ErrorAction Stop } |
                Should -Throw -ErrorId 'XenHostKeyPolicyInvalid*'
        }

        It 'reports an unreachable address with XenHostUnreachable within the connect timeout' {
            Set-TestHostLink -Host $set[2] -Down
            try {
                $watch = [Diagnostics.Stopwatch]::StartNew()
                Connect-XenHost -ComputerName $set[2].Address -KeyFile $set[2].ClientKeyFile -KnownHostsFile $known -ConnectTimeoutSeconds 2 -ErrorVariable err -ErrorAction SilentlyContinue | Should -BeNullOrEmpty
                $watch.Stop()
                $err[0].FullyQualifiedErrorId | Should -BeLike 'XenHostUnreachable*'
                $watch.Elapsed.TotalSeconds | Should -BeLessThan 12
            }
            finally { Set-TestHostLink -Host $set[2] -Up }
        }
    }

    Context 'A changed host key' {
        It 'is refused under Strict and AcceptNew with XenHostKeyMismatch, and accepted only with the new pin' {
            $h = $set[1]
            $file = Join-Path $work 'changed_known_hosts'
            Copy-Item $known $file
            Set-TestHostKey -Host $h -New
            foreach ($policy in 'Strict', 'AcceptNew') {
                Connect-XenHost -ComputerName $h.Address -KeyFile $h.ClientKeyFile -KnownHostsFile $file -HostKeyPolicy $policy -ErrorVariable err -ErrorAction SilentlyContinue | Should -BeNullOrEmpty
                $err[0].FullyQualifiedErrorId | Should -BeLike 'XenHostKeyMismatch*'
                $err[0].Exception.Message | Should -Match 'CHANGED'
            }
            (Get-Content $file -Raw) | Should -Be (Get-Content $known -Raw)
            Connect-XenHost -ComputerName $h.Address -KeyFile $h.ClientKeyFile -KnownHostsFile $file -HostKeyPolicy "SHA256:$($h.HostKeyFingerprint)" | Should -Not -BeNullOrEmpty
            # Later tests trust the hosts as they are now.
            $script:known = New-TestKnownHostsFile -Hosts $set -Path (Join-Path $work 'known_hosts')
        }
    }

    Context 'Queries' {
        BeforeAll {
            # Domains made with xl directly on the hosts, not through the module.
            $i = 0
            foreach ($h in $set) {
                $i++
                Invoke-TestHostShell -Host $h -Command "mkdir -p /var/lib/xen/images && echo k > /var/lib/xen/images/vmlinuz && printf 'name=`"direct-$i`"\nkernel=`"/var/lib/xen/images/vmlinuz`"\nmemory=256\nvcpus=2\n' > /etc/xen/direct-$i.cfg && xl create -q /etc/xen/direct-$i.cfg" | Out-Null
            }
        }
        BeforeEach { $set | ForEach-Object { Connect-Test $_ } | Out-Null }

        It 'Get-XenHost returns live facts from xl info for every host' {
            $hosts = Get-XenHost
            $hosts.Count | Should -Be 3
            foreach ($h in $hosts) {
                $h.NrCpus | Should -BeGreaterThan 0
                $h.FreeMemoryMiB | Should -BeLessThan $h.TotalMemoryMiB
                $h.DomainCount | Should -Be 1
            }
        }

        It 'Get-XenDomain lists the domains created with xl on every host' {
            $domains = Get-XenDomain
            ($domains.Name | Sort-Object) | Should -Be @('direct-1', 'direct-2', 'direct-3')
            foreach ($d in $domains) {
                $d.MemoryMiB | Should -Be 256
                $d.VCpus | Should -Be 2
                $d.DomId | Should -BeGreaterThan 0
                $d.State | Should -BeIn 'Running', 'Blocked'
                $d.Uuid | Should -Not -BeNullOrEmpty
            }
            ($domains | Where-Object Name -EQ 'direct-2').Host | Should -Be $set[1].Address
        }

        It 'filters by name with wildcards and by host' {
            (Get-XenDomain -Name 'direct-[12]').Count | Should -Be 2
            (Get-XenDomain -Host $set[2].Address).Name | Should -Be 'direct-3'
            (Get-XenHost -Name $set[0].Address | Get-XenDomain).Name | Should -Be 'direct-1'
        }

        It 'reports a literal name that matches nothing as XenDomainNotFound' {
            Get-XenDomain -Name 'nope' -ErrorVariable err -ErrorAction SilentlyContinue | Should -BeNullOrEmpty
            $err[0].FullyQualifiedErrorId | Should -BeLike 'XenDomainNotFound*'
        }

        It 'Invoke-XenCommand returns a typed result and the exact command reaches the host log' {
            $r = Invoke-XenCommand -Host $set[0].Address -ArgumentList 'domid', 'direct-1'
            $r.ExitCode | Should -Be 0
            $r.CommandLine | Should -Be 'xl domid direct-1'
            [int]$r.StdOut.Trim() | Should -BeGreaterThan 0
            $r.Duration | Should -BeOfType [timespan]
            (Get-CommandLog $set[0]) -join "`n" | Should -Match 'xl domid direct-1'
        }

        It 'Invoke-XenCommand turns an xl failure into XlCommandFailed with xl''s own message' {
            $r = Invoke-XenCommand -Host $set[0].Address destroy 'no-such' -ErrorVariable err -ErrorAction SilentlyContinue
            $r.ExitCode | Should -Not -Be 0
            $err[0].FullyQualifiedErrorId | Should -BeLike 'XlCommandFailed*'
            $err[0].Exception.Message | Should -Match 'no-such is an invalid domain identifier'
        }

        It 'quotes a hostile argument so the host shell never runs it' {
            $evil = 'x; touch /tmp/pwned-$PID; echo'
            Invoke-XenCommand -Host $set[0].Address domid $evil -ErrorAction SilentlyContinue | Out-Null
            Invoke-TestHostShell -Host $set[0] -Command "test -e /tmp/pwned-$PID && echo yes || echo no" | Should -Match 'no'
        }

        It '-Verbose shows every xl command line' {
            $verbose = Get-XenDomain -Host $set[0].Address -Verbose 4>&1 | Where-Object { $_ -is [System.Management.Automation.VerboseRecord] }
            ($verbose.Message -join "`n") | Should -Match ([regex]::Escape("[$($set[0].Address)] xl list -v"))
        }

        It 'reconnects without an error after sshd restarts' {
            $before = (Get-XenDomain -Host $set[1].Address).Name
            Restart-TestHostSshd -Host $set[1] -KillSessions
            $after = Get-XenDomain -Host $set[1].Address -ErrorVariable err
            $err | Should -BeNullOrEmpty
            $after.Name | Should -Be $before
        }

        It 'one unreachable host does not stop the others' {
            # Sessions end first (so the client sees the drop), then the link goes: the reconnect times out.
            Restart-TestHostSshd -Host $set[0] -KillSessions
            Set-TestHostLink -Host $set[0] -Down
            try {
                $domains = Get-XenDomain -ErrorVariable err -ErrorAction SilentlyContinue
                ($domains.Name | Sort-Object) | Should -Be @('direct-2', 'direct-3')
                $err.Count | Should -Be 1
                $err[0].FullyQualifiedErrorId | Should -BeLike 'XenHostUnreachable*'
            }
            finally { Set-TestHostLink -Host $set[0] -Up }
        }

        It 'a XenHost object reconnects inside ForEach-Object -Parallel without prompting' {
            $hosts = Get-XenHost -NoRefresh
            $names = $hosts | ForEach-Object -Parallel {
                Import-Module $using:env:SMARTDOMAINS_MODULE
                (Get-XenDomain -Host $_).Name
            } -ThrottleLimit 3
            ($names | Sort-Object) | Should -Be @('direct-1', 'direct-2', 'direct-3')
        }
    }
}
