# Pester 6 tests for the test-host harness (tests/Harness/TestHosts.psm1). Needs root.
# Run: dotnet pwsh -NoProfile -File tests/Harness/Invoke-HarnessTests.ps1
# Set SMARTDOMAINS_EMULATOR_DIR to a published xl emulator to also run `xl list` through it.

BeforeDiscovery {
    # The harness makes network namespaces and runs sshd: root and openssh-server (the test command installs it as root).
    $script:canRunHosts = $IsLinux -and ((id -u) -eq 0) -and (Test-Path /usr/sbin/sshd)
    # A test KDC needs MIT Kerberos' KDC, kadmin.local and client tools (krb5-kdc, krb5-admin-server, krb5-user).
    $script:canRunKdc = $canRunHosts -and -not ('/usr/sbin/krb5kdc', '/usr/sbin/kdb5_util', '/usr/sbin/kadmin.local', '/usr/bin/kinit' |
        Where-Object { -not (Test-Path $_) })
}

BeforeAll {
    Import-Module (Join-Path $PSScriptRoot '../Harness/TestHosts.psm1') -Force

    # Real OpenSSH client, strict host key checking, no user config or agent keys.
    function Invoke-TestSsh {
        param($TestHost, [string] $Command, [string] $KeyFile = $TestHost.ClientKeyFile, [string] $KnownHosts = $script:KnownHosts)
        $out = & ssh -F /dev/null -i $KeyFile -o IdentitiesOnly=yes -o UserKnownHostsFile=$KnownHosts `
            -o StrictHostKeyChecking=yes -o BatchMode=yes -o ConnectTimeout=5 -o LogLevel=ERROR `
            "$($TestHost.User)@$($TestHost.Address)" $Command 2>&1
        [pscustomobject]@{ ExitCode = $LASTEXITCODE; Output = (@($out) -join "`n").Trim() }
    }

    # The key the host actually serves, as ssh-keygen prints its fingerprint (base64 part).
    function Get-ServedFingerprint {
        param($TestHost)
        $line = (& ssh-keyscan -t ed25519 -T 5 $TestHost.Address 2>$null | Select-Object -First 1)
        $fp = ($line | & ssh-keygen -lf - 2>$null) -split ' ' | Where-Object { $_ -like 'SHA256:*' }
        $fp -replace '^SHA256:'
    }

    # 'Open', 'Refused' or 'Timeout' (no answer at all within the time limit).
    function Test-TcpConnect {
        param([string] $Address, [int] $Port = 22, [int] $TimeoutMs = 1500)
        $c = [System.Net.Sockets.TcpClient]::new()
        try {
            $task = $c.ConnectAsync($Address, $Port)
            if (-not $task.Wait($TimeoutMs)) { return 'Timeout' }
            'Open'
        }
        catch { 'Refused' }
        finally { $c.Dispose() }
    }

    $script:EmulatorDir = $env:SMARTDOMAINS_EMULATOR_DIR
    $script:RealEmulator = $script:EmulatorDir -and (Test-Path (Join-Path $script:EmulatorDir 'xl'))
    if (-not $script:RealEmulator) {
        # A stub: the shim must still point at EMULATORDIR/xl.dll.
        $script:EmulatorDir = [System.IO.Directory]::CreateTempSubdirectory('sdt-emu-').FullName
    }
    # What the shims run: the native xl of the NativeAOT build, else xl.dll under dotnet.
    $script:ShimTarget = "$script:EmulatorDir/$(if (Test-NativeEmulator $script:EmulatorDir) { 'xl' } else { 'xl.dll' })'"
    $sw = [System.Diagnostics.Stopwatch]::StartNew()
    $script:Set = Start-TestHostSet -Count 3 -EmulatorDir $script:EmulatorDir -TmpfsSizeMiB 8 -Settings @{ bootDelayMs = 0 }
    Write-Host "Started 3 hosts in $($sw.ElapsedMilliseconds) ms"   # a figure, not a test: speed belongs to the benchmarks
    $script:KnownHosts = New-TestKnownHostsFile -Hosts $script:Set
    $script:Stopped = $false
}

AfterAll {
    if (-not $script:Stopped) { Stop-TestHostSet -Hosts $script:Set }
    if (-not $script:RealEmulator) { Remove-Item -LiteralPath $script:EmulatorDir -Recurse -Force -ErrorAction Ignore }
}

Describe 'Start-TestHostSet' -Skip:(-not $canRunHosts) {
    It 'returns the documented properties' {
        $h = $script:Set[0]
        foreach ($p in 'Name', 'Namespace', 'Address', 'Port', 'User', 'ClientKeyFile', 'HostKeyFingerprint', 'HostPublicKeyLine',
            'Dir', 'SshdPid', 'SshdConfig', 'EtcXen', 'VarLibXen', 'StateDir', 'EmulatorStateDir') {
            $h.$p | Should -Not -BeNullOrEmpty -Because $p
        }
        $h.Port | Should -Be 22
        $h.User | Should -Be 'root'
        $h.HostPublicKeyLine | Should -Match '^ssh-ed25519 AAAA\S+$'
        $h.Address | Should -Match '^10\.231\.\d+\.2$'
        # Not $set.Address: arrays have an Address() method that hides member enumeration.
        @($script:Set | ForEach-Object Address | Select-Object -Unique).Count | Should -Be 3
    }

    It 'host <Name> answers on its own address with its own settings' -ForEach @(0, 1, 2 | ForEach-Object { @{ I = $_; Name = "#$_" } }) {
        $h = $script:Set[$I]
        $r = Invoke-TestSsh $h 'hostname; ip -4 -o addr show; cat /var/lib/xen/emulator/settings.json'
        $r.ExitCode | Should -Be 0 -Because $r.Output
        ($r.Output -split "`n")[0] | Should -Be $h.Name
        $r.Output | Should -Match ([regex]::Escape("inet $($h.Address)/24"))
        ($r.Output.Substring($r.Output.IndexOf('{')) | ConvertFrom-Json).hostname | Should -Be $h.Name
        ($r.Output.Substring($r.Output.IndexOf('{')) | ConvertFrom-Json).bootDelayMs | Should -Be 0
    }

    It 'reports the fingerprint that ssh-keygen computes and the host serves' {
        foreach ($h in $script:Set) {
            $fromFile = ((& ssh-keygen -lf "$($h.HostKeyFile).pub") -split ' ')[1] -replace '^SHA256:'
            $h.HostKeyFingerprint | Should -BeExactly $fromFile
            Get-ServedFingerprint $h | Should -BeExactly $h.HostKeyFingerprint
        }
    }

    It 'gives each host private /etc/xen, /var/lib/xen and /var/lib/smartdomains' {
        $h1, $h2 = $script:Set[0], $script:Set[1]
        $name = "probe-$([guid]::NewGuid().ToString('N'))"
        $dirs = '/etc/xen', '/var/lib/xen', '/var/lib/smartdomains'
        $write = ($dirs | ForEach-Object { "echo h1 > $_/$name" }) -join ' && '
        (Invoke-TestSsh $h1 $write).ExitCode | Should -Be 0
        foreach ($d in $dirs) {
            (Invoke-TestSsh $h1 "cat $d/$name").Output | Should -Be 'h1'
            (Invoke-TestSsh $h2 "test -e $d/$name").ExitCode | Should -Be 1 -Because "$d/$name must not leak to host 2"
            Test-Path "$d/$name" | Should -BeFalse -Because "$d/$name must not reach the real filesystem"
        }
        Get-Content (Join-Path $h1.EtcXen $name) | Should -Be 'h1'
        Get-Content (Join-Path $h1.StateDir $name) | Should -Be 'h1'
    }

    It 'installs the emulator as /usr/local/sbin/xl' {
        $r = Invoke-TestSsh $script:Set[0] 'command -v xl && test -x /usr/local/sbin/xl && cat /usr/local/sbin/xl'
        $r.ExitCode | Should -Be 0 -Because $r.Output
        $r.Output | Should -Match '^/usr/local/sbin/xl'
        $r.Output | Should -Match ([regex]::Escape($script:ShimTarget))
        Test-Path /usr/local/sbin/xl | Should -BeFalse -Because 'the shim lives only inside the host'
    }

    It 'runs xl list through the published emulator' {
        # -Skip:$x would be evaluated at discovery, before BeforeAll knows about the emulator.
        if (-not $script:RealEmulator) { Set-ItResult -Skipped -Because 'SMARTDOMAINS_EMULATOR_DIR has no xl'; return }
        $r = Invoke-TestSsh $script:Set[0] 'xl list'
        $r.ExitCode | Should -Be 0 -Because $r.Output
        $r.Output | Should -Match 'Domain-0'
    }

    It 'installs the emulated LVM tools next to xl and runs lvs' {
        $r = Invoke-TestSsh $script:Set[0] 'for t in lvcreate lvs lvremove vgs; do command -v $t; done; cat /usr/local/sbin/lvs'
        $r.ExitCode | Should -Be 0 -Because $r.Output
        $r.Output | Should -Match '(?m)^/usr/local/sbin/lvcreate$'
        $r.Output | Should -Match '(?m)^/usr/local/sbin/vgs$'
        $r.Output | Should -Match ([regex]::Escape("$script:ShimTarget --lvm-tool lvs"))
        if (-not $script:RealEmulator) { Set-ItResult -Skipped -Because 'SMARTDOMAINS_EMULATOR_DIR has no xl'; return }
        $r = Invoke-TestSsh $script:Set[0] 'lvcreate -L 1G -n harness-probe vg0 && lvs --noheadings --units b --nosuffix -o lv_name,vg_name,lv_size --separator "|" vg0 && lvremove -f vg0/harness-probe'
        $r.ExitCode | Should -Be 0 -Because $r.Output
        $r.Output | Should -Match '(?m)^  harness-probe\|vg0\|1073741824$'
        Invoke-TestHostShell $script:Set[0] 'cat /var/lib/xen/emulator/commands.log' | Should -Match '(?m)\tlvs --noheadings'
    }

    It 'hides root''s .bashrc (pyenv would slow every command)' {
        (Invoke-TestSsh $script:Set[0] 'wc -c < /root/.bashrc').Output | Should -Be '0'
    }

    It 'refuses a client key that is not authorized' {
        $other = New-TestClientKey -Directory $script:Set[0].Dir
        $r = Invoke-TestSsh $script:Set[0] 'true' -KeyFile $other.KeyFile
        $r.ExitCode | Should -Be 255
        $r.Output | Should -Match 'Permission denied'
    }

    It 'mounts a small tmpfs over /var/lib/xen/images that can fill up' {
        $r = Invoke-TestSsh $script:Set[1] 'dd if=/dev/zero of=/var/lib/xen/images/fill bs=1M count=16 2>&1; rm -f /var/lib/xen/images/fill'
        $r.Output | Should -Match 'No space left on device'
    }
}

Describe 'Invoke-TestHostShell' -Skip:(-not $canRunHosts) {
    It 'runs inside the host''s mount and network namespace' {
        $h = $script:Set[0]
        Invoke-TestHostShell -Host $h 'echo inside > /etc/xen/from-shell'
        (Invoke-TestSsh $h 'cat /etc/xen/from-shell').Output | Should -Be 'inside'
        Invoke-TestHostShell -Host $h 'ip -4 -o addr show' | Should -Match ([regex]::Escape($h.Address))
        (Invoke-TestHostShell $h 'hostname').Trim() | Should -Be $h.Name
    }

    It 'throws on a non-zero exit and returns ExitCode/StdOut/StdErr with -PassThru' {
        { Invoke-TestHostShell -Host $script:Set[0] 'echo oops >&2; exit 3' } | Should -Throw '*exited with 3*oops*'
        $r = Invoke-TestHostShell -Host $script:Set[0] 'echo out; echo err >&2; exit 3' -PassThru
        $r.ExitCode | Should -Be 3
        $r.StdOut.Trim() | Should -Be 'out'
        $r.StdErr.Trim() | Should -Be 'err'
    }
}

Describe 'sshd faults' -Skip:(-not $canRunHosts) {
    It 'Stop-TestHostSshd refuses new connections but keeps sessions; -KillSessions ends them' {
        $h = $script:Set[1]
        $session = Start-Process ssh -PassThru -RedirectStandardOutput /dev/null -RedirectStandardError (Join-Path $h.Dir 'session.err') -ArgumentList @(
            '-F', '/dev/null', '-i', $h.ClientKeyFile, '-o', 'IdentitiesOnly=yes', '-o', "UserKnownHostsFile=$script:KnownHosts",
            '-o', 'StrictHostKeyChecking=yes', '-o', 'BatchMode=yes', "root@$($h.Address)", 'sleep 60')
        try {
            # Wait until the session runs inside the host.
            $deadline = [DateTime]::UtcNow.AddSeconds(10)
            while ((Invoke-TestHostShell -Host $h 'pgrep -x sleep | wc -l').Trim() -eq '0' -and [DateTime]::UtcNow -lt $deadline) {
                Start-Sleep -Milliseconds 50
            }
            Stop-TestHostSshd -Host $h
            Test-TcpConnect $h.Address | Should -Be 'Refused'
            $session.HasExited | Should -BeFalse
            Invoke-TestHostShell -Host $h 'echo still-reachable' | Should -Match 'still-reachable'

            Restart-TestHostSshd -Host $h -KillSessions
            $session.WaitForExit(5000) | Should -BeTrue
            (Invoke-TestSsh $h 'echo back').Output | Should -Be 'back'
        }
        finally { if (-not $session.HasExited) { $session.Kill() } }
    }

    It 'Restart-TestHostSshd keeps the host key and the mounts (including the tmpfs)' {
        $h = $script:Set[2]
        $before = Get-ServedFingerprint $h
        Invoke-TestHostShell -Host $h 'echo kept > /var/lib/xen/images/marker'
        $oldPid = $h.SshdPid
        Restart-TestHostSshd -Host $h
        $h.SshdPid | Should -Not -Be $oldPid
        Get-ServedFingerprint $h | Should -BeExactly $before
        (Invoke-TestSsh $h 'cat /var/lib/xen/images/marker; df -P /var/lib/xen/images | tail -1').Output |
            Should -Match '(?s)^kept.*sdt-tmpfs'
    }

    It 'Set-TestHostLink -Down makes connects time out (no RST); -Up restores' {
        $h = $script:Set[0]
        Set-TestHostLink -Host $h -Down
        try { Test-TcpConnect $h.Address -TimeoutMs 1500 | Should -Be 'Timeout' }
        finally { Set-TestHostLink -Host $h -Up }
        (Invoke-TestSsh $h 'echo up').Output | Should -Be 'up'
    }

    It 'Set-TestHostKey -New changes the key; strict checking refuses it' {
        $h = $script:Set[2]
        $old = $h.HostKeyFingerprint
        Set-TestHostKey -Host $h -New
        $h.HostKeyFingerprint | Should -Not -Be $old
        Get-ServedFingerprint $h | Should -BeExactly $h.HostKeyFingerprint
        $r = Invoke-TestSsh $h 'true'
        $r.ExitCode | Should -Be 255
        $r.Output | Should -Match 'REMOTE HOST IDENTIFICATION HAS CHANGED'
        $fresh = New-TestKnownHostsFile -Hosts $h -Path (Join-Path $h.Dir 'known_hosts.new')
        (Invoke-TestSsh $h 'echo ok' -KnownHosts $fresh).Output | Should -Be 'ok'
    }
}

Describe 'New-TestKnownHostsFile' -Skip:(-not $canRunHosts) {
    It 'writes [address]:port lines for a non-22 port' {
        $fake = [pscustomobject]@{ Address = '10.231.9.2'; Port = 2222; HostPublicKeyLine = 'ssh-ed25519 AAAAtest'; Dir = $script:Set[0].Dir }
        $path = New-TestKnownHostsFile -Hosts $fake -Path (Join-Path $script:Set[0].Dir 'kh-port')
        Get-Content $path | Should -Be '[10.231.9.2]:2222 ssh-ed25519 AAAAtest'
    }
}

Describe 'A test KDC' -Skip:(-not $canRunKdc) {
    BeforeAll {
        $script:KdcHosts = Start-TestHostSet -Count 2 -EmulatorDir $script:EmulatorDir -Prefix sdtk
        $script:KdcKnownHosts = New-TestKnownHostsFile -Hosts $script:KdcHosts
        $script:MachineKrb5 = if (Test-Path /etc/krb5.conf) { (Get-FileHash /etc/krb5.conf).Hash }
        function Get-KdcState($Kdc) {
            $stat = Get-Content "/proc/$($Kdc.Pid)/stat" -ErrorAction Ignore
            if ($stat) { $stat -replace '^.*\) (\S).*$', '$1' }
        }
    }
    AfterAll { Stop-TestHostSet -Hosts $script:KdcHosts }

    It 'runs krb5kdc in the host''s namespace on its address only, and leaves the machine''s krb5.conf alone' {
        $h = $script:KdcHosts[0]
        $kdc = Start-TestKdc -TestHost $h
        try {
            (Get-KdcState $kdc) | Should -Not -BeIn @($null, 'Z')
            (& readlink "/proc/$($kdc.Pid)/ns/net") | Should -Be (& readlink "/proc/$($h.AnchorPid)/ns/net")
            $listening = @(& ip netns exec $h.Namespace ss -H -lntu | Where-Object { $_ -match ':88\s' })
            $listening.Count | Should -Be 2 -Because 'one UDP and one TCP socket'
            $listening | ForEach-Object { $_ | Should -Match "\s$([regex]::Escape($h.Address)):88\s" }
            $user = New-TestKerberosPrincipal -Kdc $kdc -Name root
            $env:KRB5_CONFIG = $user.Krb5Config
            ((& klist -c $user.CredentialCache) -join "`n") | Should -Match 'Default principal: root@SMARTDOMAINS\.TEST'
            $machine = if (Test-Path /etc/krb5.conf) { (Get-FileHash /etc/krb5.conf).Hash }
            $machine | Should -Be $script:MachineKrb5
        }
        finally {
            $env:KRB5_CONFIG = $null
            Stop-TestKdc -Kdc $kdc
        }
    }

    It 'Enable-TestHostKerberos: plain ssh logs in with the ticket and no key (gssapi-with-mic)' {
        $h = $script:KdcHosts[0]
        $kdc = Start-TestKdc -TestHost $h
        try {
            $user = New-TestKerberosPrincipal -Kdc $kdc
            Enable-TestHostKerberos -TestHost $h -Kdc $kdc
            $h.KerberosPrincipal | Should -Be "host/$($h.Name)@SMARTDOMAINS.TEST"
            $env:KRB5_CONFIG = $user.Krb5Config
            $env:KRB5CCNAME = $user.CredentialCache
            $out = & ssh -F /dev/null -o BatchMode=yes -o PubkeyAuthentication=no -o IdentityAgent=none -o GSSAPIAuthentication=yes `
                -o GSSAPIServerIdentity=$($h.Name) -o UserKnownHostsFile=$script:KdcKnownHosts -o StrictHostKeyChecking=yes "root@$($h.Address)" hostname 2>&1
            $LASTEXITCODE | Should -Be 0 -Because "$out"
            $out | Should -Be $h.Name
            @(Get-Content $h.SshdLog | Where-Object { $_ -match '^Accepted ' })[-1] | Should -Match '^Accepted gssapi-with-mic for root '
        }
        finally {
            $env:KRB5_CONFIG = $null
            $env:KRB5CCNAME = $null
            Stop-TestKdc -Kdc $kdc
        }
    }

    It 'Stop-TestKdc kills krb5kdc and removes its files; safe to repeat' {
        $kdc = Start-TestKdc -TestHost $script:KdcHosts[1]
        Stop-TestKdc -Kdc $kdc
        { Stop-TestKdc -Kdc $kdc } | Should -Not -Throw
        Test-Path $kdc.Dir | Should -BeFalse
        & ps -e -o stat= -o args= | Where-Object { $_ -notmatch '^Z' -and $_.Contains($kdc.PidFile) } | Should -BeNullOrEmpty
    }

    It 'Stop-TestHostSet alone takes a KDC that was never stopped with it' {
        $h = $script:KdcHosts[1]
        $kdc = Start-TestKdc -TestHost $h
        Stop-TestHostSet -Hosts $h
        Test-Path $kdc.Dir | Should -BeFalse
        (Get-KdcState $kdc) | Should -BeIn @($null, '', 'Z')
    }
}

Describe 'Stop-TestHostSet' -Skip:(-not $canRunHosts) {
    It 'leaves no namespace, veth, process, directory or marker behind, and is safe to call twice' {
        $pids = @($script:Set.SshdPid) + @($script:Set.AnchorPid) | Where-Object { $_ }
        $pids.Count | Should -Be 6
        $sw = [System.Diagnostics.Stopwatch]::StartNew()
        Stop-TestHostSet -Hosts $script:Set
        Write-Host "Stopped 3 hosts in $($sw.ElapsedMilliseconds) ms"
        $script:Stopped = $true
        { Stop-TestHostSet -Hosts $script:Set } | Should -Not -Throw

        $namespaces = (& ip netns list) -replace ' .*'
        $links = & ip -o link show
        foreach ($h in $script:Set) {
            $namespaces | Should -Not -Contain $h.Namespace
            $links -match "\b$([regex]::Escape($h.RootInterface))\b" | Should -BeNullOrEmpty
            Test-Path $h.Dir | Should -BeFalse
            Test-Path "/run/smartdomains-testhosts/$($h.Name).json" | Should -BeFalse
            # No live process refers to the host's directory (sshd -f DIR/sshd_config, sessions).
            $live = & ps -e -o stat= -o args= | Where-Object { $_ -notmatch '^Z' -and $_.Contains($h.Dir) }
            $live | Should -BeNullOrEmpty
        }
        foreach ($p in $pids) {
            $state = (Get-Content "/proc/$p/stat" -ErrorAction Ignore) -replace '^.*\) (\S).*$', '$1'
            $state | Should -BeIn @($null, '', 'Z') -Because "PID $p was started by the harness"
        }
        $addresses = & ip -o -4 addr show
        foreach ($h in $script:Set) { $addresses -match "inet $([regex]::Escape($h.RootAddress))/" | Should -BeNullOrEmpty }
    }
}

Describe 'Crash cleanup' -Skip:(-not $canRunHosts) {
    BeforeAll {
        $script:ModulePath = (Resolve-Path (Join-Path $PSScriptRoot '../Harness/TestHosts.psm1')).ProviderPath
        # A child pwsh that starts one host, prints its name and waits to be killed.
        function Start-ChildOwner {
            param([switch] $NoWatchdog)
            $code = "Import-Module '$script:ModulePath'; `$s = Start-TestHostSet -Count 1 -Prefix sdc -NoWatchdog:`$$NoWatchdog; " +
            '[Console]::Out.WriteLine($s.Name); [Console]::Out.Flush(); Start-Sleep 60'
            $psi = [System.Diagnostics.ProcessStartInfo]::new([Environment]::ProcessPath)
            foreach ($a in @((Join-Path $PSHOME 'pwsh.dll'), '-NoProfile', '-NonInteractive', '-Command', $code)) { $psi.ArgumentList.Add($a) }
            $psi.RedirectStandardOutput = $true
            $p = [System.Diagnostics.Process]::Start($psi)
            [pscustomobject]@{ Process = $p; Name = $p.StandardOutput.ReadLine() }
        }
        function Get-NamespaceName { (& ip netns list) -replace ' .*' }
    }

    It 'Clear-StaleTestHosts removes the hosts of a killed owner, and only then' {
        $c = Start-ChildOwner -NoWatchdog
        try {
            $c.Name | Should -Match '^sdc\d+$'
            Get-NamespaceName | Should -Contain $c.Name
            Clear-StaleTestHosts -Prefix sdc -PassThru | Should -BeNullOrEmpty -Because 'the owner is still alive'
            $c.Process.Kill()   # SIGKILL: no AfterAll, no cleanup of its own
            $c.Process.WaitForExit()
            Clear-StaleTestHosts -Prefix sdc -PassThru | Should -Be $c.Name
            Get-NamespaceName | Should -Not -Contain $c.Name
            Test-Path "/run/smartdomains-testhosts/$($c.Name).json" | Should -BeFalse
        }
        finally { if (-not $c.Process.HasExited) { $c.Process.Kill() } }
    }

    It 'the watchdog removes the hosts of a killed owner by itself' {
        $c = Start-ChildOwner
        try {
            $c.Name | Should -Match '^sdc\d+$'
            $c.Process.Kill()
            $c.Process.WaitForExit()
            $sw = [System.Diagnostics.Stopwatch]::StartNew()
            while ((Get-NamespaceName) -contains $c.Name -and $sw.Elapsed.TotalSeconds -lt 20) { Start-Sleep -Milliseconds 100 }
            Write-Host "Watchdog cleared $($c.Name) $($sw.ElapsedMilliseconds) ms after the kill"
            Get-NamespaceName | Should -Not -Contain $c.Name
            # The marker goes last; give the watchdog's pwsh a moment to finish.
            while ((Test-Path "/run/smartdomains-testhosts/$($c.Name).json") -and $sw.Elapsed.TotalSeconds -lt 25) { Start-Sleep -Milliseconds 100 }
            Test-Path "/run/smartdomains-testhosts/$($c.Name).json" | Should -BeFalse
        }
        finally { if (-not $c.Process.HasExited) { $c.Process.Kill() } }
    }
}
