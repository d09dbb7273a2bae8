#Requires -Version 7.4
# The OpenSSH transport over real sshd test hosts: what only it does (an ssh config's aliases, an agent's keys, a jump host
# to a dom0 this machine cannot reach), its master connection (one handshake, a private socket directory, no ssh process
# left behind), and faults. Host key policies, a changed key and reconnects run for both transports in SshHosts.Tests.ps1;
# the pool lifecycle in OpenSshLifecycle.Tests.ps1.
BeforeDiscovery {
    $script:canRunHosts = $IsLinux -and ((id -u) -eq 0) -and (Test-Path /usr/sbin/sshd) -and (Get-Command ssh-agent -ErrorAction Ignore)
}

Describe 'The OpenSSH transport' -Skip:(-not $canRunHosts) {
    BeforeAll {
        Import-Module $env:SMARTDOMAINS_MODULE -Force
        Import-Module "$PSScriptRoot/../Harness/TestHosts.psm1" -Force
        $emulatorDir = Join-Path (Split-Path $env:SMARTDOMAINS_MODULE) 'emulator'
        # A dom0 on this machine's network, a bastion, and a dom0 whose only link is to the bastion.
        $script:set = Start-TestHostSet -Count 2 -EmulatorDir $emulatorDir -Prefix sdo
        $script:direct, $script:bastion = $set
        $script:hidden = Start-TestHostSet -Count 1 -EmulatorDir $emulatorDir -Prefix sdo -Behind $bastion
        $script:work = Join-Path ([IO.Path]::GetTempPath()) "sd-openssh-$PID"
        New-Item -ItemType Directory -Force $work | Out-Null
        $script:known = New-TestKnownHostsFile -Hosts ($set + $hidden) -Path (Join-Path $work 'known_hosts')
        $script:config = Join-Path $work 'ssh_config'
        @"
Host dom0-direct
    HostName $($direct.Address)
    IdentityFile $($direct.ClientKeyFile)
    UserKnownHostsFile $known
Host bastion
    HostName $($bastion.Address)
    IdentityFile $($bastion.ClientKeyFile)
    UserKnownHostsFile $known
Host dom0-hidden
    HostName $($hidden.Address)
    IdentityFile $($hidden.ClientKeyFile)
    UserKnownHostsFile $known
    ProxyJump bastion
Host agent-only
    HostName $($direct.Address)
    UserKnownHostsFile $known
"@ | Set-Content $config
        $script:addresses = @($direct, $bastion, $hidden | ForEach-Object Address)

        # ssh processes of this file: their command line names one of its hosts, aliases or its config.
        $script:ownSsh = @{ Word = @('dom0-direct', 'bastion', 'dom0-hidden', 'agent-only', $config); Substring = $addresses }
        function script:Get-TestSsh { Get-TestSshProcess @ownSsh }
        function script:Wait-NoTestSsh([string] $Pattern = '.') { Wait-TestSshProcessGone @ownSsh -Pattern $Pattern }
        function script:Get-Accepted($h) { Get-Content $h.SshdLog | Where-Object { $_ -match '^Accepted publickey' } }
        function script:Get-CommandLog($h) { @((Invoke-TestHostShell -Host $h -Command 'cat /var/lib/xen/emulator/commands.log 2>/dev/null || true') -split "`n" | Where-Object { $_ }) }
        function script:Connect-Alias {
            [CmdletBinding()]
            param([string] $Alias, [hashtable] $Extra = @{})
            $parameters = @{ ComputerName = $Alias; Transport = 'OpenSSH'; SshConfigFile = $config; ConnectTimeoutSeconds = 5 }
            foreach ($k in $Extra.Keys) { $parameters[$k] = $Extra[$k] }
            Connect-XenHost @parameters
        }
    }
    AfterAll {
        Get-XenHost -NoRefresh -ErrorAction Ignore | Disconnect-XenHost
        if ($hidden) { Stop-TestHostSet -Hosts $hidden }
        if ($set) { Stop-TestHostSet -Hosts $set }
        Remove-Item -Recurse -Force $work -ErrorAction Ignore
    }
    AfterEach { Get-XenHost -NoRefresh -ErrorAction Ignore | Disconnect-XenHost }

    Context 'The ssh config' {
        It 'connects to a Host alias: HostName, User and IdentityFile come from the config, known_hosts too' {
            $h = Connect-Alias dom0-direct
            $h.Name | Should -Be 'dom0-direct'
            $h.Transport | Should -Be 'OpenSSH'
            $h.ComputerName | Should -Be $direct.Address
            $h.User | Should -Be 'root'
            $h.HostKeyFingerprint | Should -Be $direct.HostKeyFingerprint
            $h.XenVersion | Should -Match '^4\.17'
            (Get-XenHost | Out-String) | Should -Match 'dom0-direct\s+Ssh\s+OpenSSH\s+True'
        }

        It 'SSH.NET resolves the same alias through ssh -G, and explicit parameters win over the config' {
            $h = Connect-XenHost -ComputerName dom0-direct -SshConfigFile $config -KnownHostsFile $known
            $h.Transport | Should -Be 'SshNet'
            $h.ComputerName | Should -Be $direct.Address
            $h.Connection.KeyFile | Should -Be $direct.ClientKeyFile
            $h.XenVersion | Should -Match '^4\.17'
            foreach ($transport in 'SshNet', 'OpenSSH') {
                Connect-XenHost -ComputerName dom0-direct -Transport $transport -SshConfigFile $config -KnownHostsFile $known -Port 2222 -ConnectTimeoutSeconds 5 -ErrorVariable err -ErrorAction SilentlyContinue | Should -BeNullOrEmpty
                $err[0].FullyQualifiedErrorId | Should -BeLike 'XenHostUnreachable*'
                $err[0].Exception.Message | Should -Match ':2222'
            }
        }

        It 'reports a config ssh refuses as XenSshConfigInvalid, with ssh''s file and line' {
            $bad = Join-Path $work 'bad_config'
            "Host x`n    NoSuchOption yes" | Set-Content $bad
            foreach ($transport in 'SshNet', 'OpenSSH') {
                Connect-XenHost -ComputerName x -Transport $transport -SshConfigFile $bad -ErrorVariable err -ErrorAction SilentlyContinue | Should -BeNullOrEmpty
                $err[0].FullyQualifiedErrorId | Should -BeLike 'XenSshConfigInvalid*'
                $err[0].Exception.Message | Should -Match 'line 2'
            }
            { Connect-XenHost -ComputerName x -Transport OpenSSH -SshConfigFile (Join-Path $work 'missing') -ErrorAction Stop } | Should -Throw -ErrorId 'XenSshConfigInvalid*'
        }

        It 'refuses -Credential: OpenSSH never asks for a password' {
            $cred = [pscredential]::new('root', (ConvertTo-SecureString 'x' -AsPlainText -Force))
            { Connect-XenHost -ComputerName dom0-direct -Transport OpenSSH -Credential $cred -ErrorAction Stop } | Should -Throw -ErrorId 'XenHostArgumentInvalid*'
        }
    }

    Context 'An ssh-agent' {
        BeforeAll {
            $script:agentSocket = Join-Path $work 'agent.sock'
            $psi = [Diagnostics.ProcessStartInfo]::new('ssh-agent')
            foreach ($a in '-D', '-a', $agentSocket) { $psi.ArgumentList.Add($a) }
            $psi.RedirectStandardOutput = $true
            $script:agent = [Diagnostics.Process]::Start($psi)
            for ($i = 0; $i -lt 200 -and -not (Test-Path $agentSocket); $i++) { Start-Sleep -Milliseconds 10 }
            $script:savedSock = $env:SSH_AUTH_SOCK
            $env:SSH_AUTH_SOCK = $agentSocket
            & ssh-add -q $direct.ClientKeyFile 2>$null
            if ($LASTEXITCODE) { throw 'ssh-add failed' }
        }
        AfterAll {
            $env:SSH_AUTH_SOCK = $savedSock
            if ($agent) { $agent.Kill(); $agent.WaitForExit(); $agent.Dispose() }
        }

        It 'logs in with a key only the agent holds (no IdentityFile, no -KeyFile)' {
            (Connect-Alias agent-only).Connected | Should -BeTrue
            (Invoke-XenCommand -Host agent-only -ArgumentList info).ExitCode | Should -Be 0
        }

        It 'is refused with XenAuthenticationFailed and ssh''s message once the agent has no key' {
            & ssh-add -q -D 2>$null
            try {
                Connect-Alias agent-only -ErrorVariable err -ErrorAction SilentlyContinue | Should -BeNullOrEmpty
                $err[0].FullyQualifiedErrorId | Should -BeLike 'XenAuthenticationFailed*'
                $err[0].Exception.Message | Should -Match 'Permission denied \(publickey\)'
            }
            finally { & ssh-add -q $direct.ClientKeyFile 2>$null }
        }
    }

    Context 'A jump host' {
        It 'this machine cannot reach the hidden dom0 itself' {
            Connect-XenHost -ComputerName $hidden.Address -KeyFile $hidden.ClientKeyFile -KnownHostsFile $known -Transport OpenSSH -ConnectTimeoutSeconds 2 -ErrorVariable err -ErrorAction SilentlyContinue | Should -BeNullOrEmpty
            $err[0].FullyQualifiedErrorId | Should -BeLike 'XenHostUnreachable*'
            $err[0].Exception.Message | Should -Match 'unreachable'
        }

        It 'reaches it through the bastion, as the config''s ProxyJump says' {
            $bastionBefore = @(Get-Accepted $bastion).Count
            $h = Connect-Alias dom0-hidden
            $h.XenVersion | Should -Match '^4\.17'
            $h.HostKeyFingerprint | Should -Be $hidden.HostKeyFingerprint
            (Invoke-XenCommand -Host dom0-hidden -ArgumentList list).StdOut | Should -Match 'Domain-0'
            # The hidden host saw the login come from the bastion's side of its link; the bastion saw ours.
            @(Get-Accepted $hidden)[-1] | Should -Match "from $([regex]::Escape($hidden.RootAddress)) "
            @(Get-Accepted $bastion).Count | Should -Be ($bastionBefore + 1)
        }

        It 'checks a pinned fingerprint of the hidden host through the jump, before any command runs there' {
            (Connect-Alias dom0-hidden @{ HostKeyPolicy = "SHA256:$($hidden.HostKeyFingerprint)" }).Connected | Should -BeTrue
            Disconnect-XenHost
            $before = (Get-CommandLog $hidden).Count
            Connect-Alias dom0-hidden @{ HostKeyPolicy = "SHA256:$($direct.HostKeyFingerprint)" } -ErrorVariable err -ErrorAction SilentlyContinue | Should -BeNullOrEmpty
            $err[0].FullyQualifiedErrorId | Should -BeLike 'XenHostKeyMismatch*'
            $err[0].Exception.Message | Should -Match ([regex]::Escape($hidden.HostKeyFingerprint))
            (Get-CommandLog $hidden).Count | Should -Be $before
        }

        It 'SSH.NET warns that it does not follow the jump, and cannot reach the host' {
            Connect-XenHost -ComputerName dom0-hidden -SshConfigFile $config -KnownHostsFile $known -ConnectTimeoutSeconds 2 -WarningVariable warn -WarningAction SilentlyContinue -ErrorVariable err -ErrorAction SilentlyContinue | Should -BeNullOrEmpty
            $warn[0] | Should -Match 'through bastion'
            $err[0].FullyQualifiedErrorId | Should -BeLike 'XenHostUnreachable*'
        }

        It 'a bastion whose link is down: XenHostUnreachable within the connect timeout, and no ssh left behind' {
            Set-TestHostLink -Host $bastion -Down
            try {
                $watch = [Diagnostics.Stopwatch]::StartNew()
                Connect-Alias dom0-hidden @{ ConnectTimeoutSeconds = 2 } -ErrorVariable err -ErrorAction SilentlyContinue | Should -BeNullOrEmpty
                $watch.Stop()
                $err[0].FullyQualifiedErrorId | Should -BeLike 'XenHostUnreachable*'
                $watch.Elapsed.TotalSeconds | Should -BeLessThan 12
                Wait-NoTestSsh | Should -BeNullOrEmpty
            }
            finally { Set-TestHostLink -Host $bastion -Up }
        }
    }

    Context 'The master connection' {
        It 'carries every command: one login however many commands run' {
            $before = @(Get-Accepted $direct).Count
            Connect-Alias dom0-direct | Out-Null
            1..10 | ForEach-Object { (Invoke-XenCommand -Host dom0-direct -ArgumentList list).ExitCode | Should -Be 0 }
            Get-XenDomain -Host dom0-direct -IncludeDom0 | Should -Not -BeNullOrEmpty
            @(Get-Accepted $direct).Count | Should -Be ($before + 1)
        }

        It 'keeps its socket in a private 0700 directory, which Disconnect-XenHost removes with the master' {
            Connect-Alias dom0-direct | Out-Null
            $master = @(Get-TestSsh | Where-Object CommandLine -Match 'ControlMaster=yes')
            $master.Count | Should -Be 1
            $dir = Split-Path ([regex]::Match($master[0].CommandLine, 'ControlPath=(\S+)').Groups[1].Value)
            (& stat -c '%a %U' $dir) | Should -Be '700 root'
            Test-Path (Join-Path $dir 'master') | Should -BeTrue
            Disconnect-XenHost
            Test-Path $dir | Should -BeFalse
            Wait-NoTestSsh | Should -BeNullOrEmpty
        }

        It 'waits for a free channel while sshd''s MaxSessions are all in use, as for any other slot' {
            $original = Get-Content -Raw $direct.SshdConfig
            Set-Content -Path $direct.SshdConfig -Value ($original -replace '(?m)^MaxSessions \d+', 'MaxSessions 2') -NoNewline
            Restart-TestHostSshd -Host $direct -KillSessions
            $transport = $null
            try {
                $h = Connect-Alias dom0-direct
                Set-TestHostSetting $direct @{ faults = @{ hang = @{ list = 1 } } }
                # Six commands at once on one master: sshd opens two channels, the others wait their turn.
                $transport = [SmartDomains.Transport.OpenSsh.OpenSshTransport]::new($h.Connection)
                $runs = 1..6 | ForEach-Object { $transport.RunAsync([SmartDomains.Remote.RemoteCommand]::Xl('list'), [Threading.CancellationToken]::None) }
                [Threading.Tasks.Task]::WaitAll([Threading.Tasks.Task[]] $runs)
                $runs.Result.ExitCode | Should -Be @(0, 0, 0, 0, 0, 0)
                $runs.Result.StdOut | ForEach-Object { $_ | Should -Match 'Domain-0' }
            }
            finally {
                if ($transport) { $transport.Dispose() }
                Set-TestHostSetting $direct @{ faults = @{} }
                Set-Content -Path $direct.SshdConfig -Value $original -NoNewline
                Restart-TestHostSshd -Host $direct -KillSessions
            }
        }

        It 'sshd killed: XenHostUnreachable while it is down, and the next command reconnects once it is back' {
            Connect-Alias dom0-direct | Out-Null
            Stop-TestHostSshd -Host $direct -KillSessions
            try {
                Get-XenDomain -Host dom0-direct -ErrorVariable err -ErrorAction SilentlyContinue | Out-Null
                $err[0].FullyQualifiedErrorId | Should -BeLike 'XenHostUnreachable*'
                $err[0].Exception.Message | Should -Match 'Connection refused'
            }
            finally { Start-TestHostSshd -Host $direct }
            (Invoke-XenCommand -Host dom0-direct -ArgumentList list -ErrorVariable again).ExitCode | Should -Be 0
            $again | Should -BeNullOrEmpty
        }

        It 'sshd killed in the middle of a command: the command fails with XenHostUnreachable' {
            Connect-Alias dom0-direct | Out-Null
            Set-TestHostSetting $direct @{ faults = @{ hang = @{ list = 5 } } }
            try {
                $killer = Stop-TestHostSshdOnCommand $direct '^xl list'
                Get-XenDomain -Host dom0-direct -ErrorVariable err -ErrorAction SilentlyContinue | Out-Null
                $killer | Receive-Job -Wait -AutoRemoveJob | Should -Match 'xl list'
                $err[0].FullyQualifiedErrorId | Should -BeLike 'XenHostUnreachable*'
            }
            finally {
                Set-TestHostSetting $direct @{ faults = @{} }
                Start-TestHostSshd -Host $direct
            }
        }

        It 'Ctrl-C (a stopped pipeline) kills the command''s ssh at once, and Disconnect-XenHost leaves no ssh process' {
            $rs = [runspacefactory]::CreateRunspace()
            $rs.Open()
            try {
                $ps = [powershell]::Create($rs)
                $null = $ps.AddScript("Import-Module '$env:SMARTDOMAINS_MODULE'; Connect-XenHost dom0-direct -Transport OpenSSH -SshConfigFile '$config'").Invoke()
                Set-TestHostSetting $direct @{ faults = @{ hang = @{ list = 30 } } }
                $ps.Commands.Clear()
                $null = $ps.AddScript('Get-XenDomain')
                $logBefore = (Get-CommandLog $direct).Count
                $null = $ps.BeginInvoke()
                for ($i = 0; $i -lt 1000 -and -not ((Get-CommandLog $direct | Select-Object -Skip $logBefore) -match "`txl list"); $i++) { Start-Sleep -Milliseconds 20 }
                @(Get-TestSsh | Where-Object CommandLine -Match 'ControlMaster=no').Count | Should -Be 1 -Because 'the hanging xl list runs in one ssh client'
                $watch = [Diagnostics.Stopwatch]::StartNew()
                $ps.Stop()
                $watch.Elapsed.TotalSeconds | Should -BeLessThan 10 -Because 'a 30 s xl list must not be waited for'
                Wait-NoTestSsh 'ControlMaster=no' | Should -BeNullOrEmpty
                @(Get-TestSsh | Where-Object CommandLine -Match 'ControlMaster=yes').Count | Should -Be 1 -Because 'the master stays for the next command'
                $ps.Commands.Clear()
                $null = $ps.AddScript('Disconnect-XenHost').Invoke()
                Wait-NoTestSsh | Should -BeNullOrEmpty
            }
            finally {
                Set-TestHostSetting $direct @{ faults = @{} }
                $rs.Dispose()
            }
        }
    }
}
