#Requires -Version 7.4
# Kerberos over the OpenSSH transport: a private realm's KDC runs in a test host's namespace, that host's sshd holds a
# host/NAME keytab, and the controller logs in with a ticket from kinit and no key at all (no -KeyFile, no IdentityFile,
# no agent, public-key authentication off). The ticket and the ssh config are all the module is given.
BeforeDiscovery {
    $script:canRunHosts = $IsLinux -and ((id -u) -eq 0) -and (Test-Path /usr/sbin/sshd)
    $missing = '/usr/sbin/krb5kdc', '/usr/sbin/kdb5_util', '/usr/sbin/kadmin.local', '/usr/bin/kinit', '/usr/bin/kdestroy' |
        Where-Object { -not (Test-Path $_) }
    $script:noKdc = if ($missing) {
        "krb5-kdc, krb5-admin-server or krb5-user is not installed (no $($missing -join ', ')); tests/Tools/Install-TestPrerequisites.sh installs them as root"
    }
}

Describe 'The OpenSSH transport with Kerberos (GSSAPI)' -Skip:(-not $canRunHosts) {
    if ($noKdc) {
        # One line says why, instead of one skipped line per test.
        It 'logs in with a Kerberos ticket from a test KDC' -ForEach @(@{ Why = $noKdc }) { Set-ItResult -Skipped -Because $Why }
        return
    }

    BeforeAll {
        Import-Module $env:SMARTDOMAINS_MODULE -Force
        Import-Module "$PSScriptRoot/../Harness/TestHosts.psm1" -Force
        $emulatorDir = Join-Path (Split-Path $env:SMARTDOMAINS_MODULE) 'emulator'
        $script:dom0 = Start-TestHostSet -Count 1 -EmulatorDir $emulatorDir -Prefix sdk
        # The realm's KDC lives in the dom0's own namespace, on its address: nothing else on the network sees it.
        $script:kdc = Start-TestKdc -TestHost $dom0
        $script:user = New-TestKerberosPrincipal -Kdc $kdc -Name root
        Enable-TestHostKerberos -TestHost $dom0 -Kdc $kdc
        $script:work = Join-Path ([IO.Path]::GetTempPath()) "sd-kerberos-$PID"
        New-Item -ItemType Directory -Force $work | Out-Null
        $script:known = New-TestKnownHostsFile -Hosts $dom0 -Path (Join-Path $work 'known_hosts')
        # An operator's config for a Kerberos site: GSSAPI on, no keys of any kind. GSSAPIServerIdentity makes ssh ask for
        # host/NAME@REALM (the principal in the dom0's keytab) although it connects to an address.
        $script:config = Join-Path $work 'ssh_config'
        @"
Host dom0-kerberos
    HostName $($dom0.Address)
    User root
    UserKnownHostsFile $known
    GSSAPIAuthentication yes
    GSSAPIServerIdentity $($dom0.Name)
    PubkeyAuthentication no
    IdentitiesOnly yes
    IdentityAgent none
"@ | Set-Content $config
        # The ticket reaches ssh through the environment, as from an operator's kinit; no agent at all.
        $script:savedEnvironment = @{}
        foreach ($name in 'KRB5_CONFIG', 'KRB5CCNAME', 'SSH_AUTH_SOCK') { $savedEnvironment[$name] = [Environment]::GetEnvironmentVariable($name) }
        $env:KRB5_CONFIG = $user.Krb5Config
        $env:KRB5CCNAME = $user.CredentialCache
        $env:SSH_AUTH_SOCK = $null

        # ssh processes of this file: their command line names its alias, its config or the dom0's address.
        $script:ownSsh = @{ Word = @('dom0-kerberos', $config); Substring = @($dom0.Address) }
        function script:Get-TestSsh { Get-TestSshProcess @ownSsh }
        function script:Wait-NoTestSsh { Wait-TestSshProcessGone @ownSsh }
        function script:Get-Accepted { @(Get-Content $dom0.SshdLog | Where-Object { $_ -match '^Accepted ' }) }
        function script:Connect-Kerberos {
            [CmdletBinding()]
            param([switch] $Force)
            Connect-XenHost -ComputerName dom0-kerberos -Transport OpenSSH -SshConfigFile $config -ConnectTimeoutSeconds 5 -Force:$Force
        }
    }
    AfterAll {
        Get-XenHost -NoRefresh -ErrorAction Ignore | Disconnect-XenHost
        if ($savedEnvironment) { foreach ($name in $savedEnvironment.Keys) { [Environment]::SetEnvironmentVariable($name, $savedEnvironment[$name]) } }
        if ($kdc) { Stop-TestKdc -Kdc $kdc }
        if ($dom0) { Stop-TestHostSet -Hosts $dom0 }
        Remove-Item -Recurse -Force $work -ErrorAction Ignore
    }
    AfterEach { Get-XenHost -NoRefresh -ErrorAction Ignore | Disconnect-XenHost }

    Context 'Kerberos (GSSAPI)' {
        It 'ssh is given a ticket and no key: public keys off, no identity file, no agent' {
            & /usr/bin/klist -s
            $LASTEXITCODE | Should -Be 0 -Because 'kinit left a valid ticket in the private cache'
            $effective = & ssh -F $config -G dom0-kerberos 2>$null
            $effective | Should -Contain 'pubkeyauthentication false'
            $effective | Should -Contain 'gssapiauthentication yes'
            $effective | Should -Contain 'identityagent none'
            $env:SSH_AUTH_SOCK | Should -BeNullOrEmpty
        }

        It 'logs in with the ticket alone: Connect-XenHost, Invoke-XenCommand and Get-XenDomain work' {
            $before = (Get-Accepted).Count
            $h = Connect-Kerberos
            $h.Connected | Should -BeTrue
            $h.Transport | Should -Be 'OpenSSH'
            $h.ComputerName | Should -Be $dom0.Address
            $h.Connection.KeyFile | Should -BeNullOrEmpty
            $h.XenVersion | Should -Match '^4\.17'
            $r = Invoke-XenCommand -Host dom0-kerberos -ArgumentList info
            $r.ExitCode | Should -Be 0
            $r.StdOut | Should -Match "host\s+:\s+$($dom0.Name)"
            (Get-XenDomain -Host dom0-kerberos -IncludeDom0).Name | Should -Contain 'Domain-0'
            # One login, by gssapi-with-mic, as the realm's root; sshd never accepted a key from this file's logins.
            $new = @(Get-Accepted | Select-Object -Skip $before)
            $new.Count | Should -Be 1
            $new[0] | Should -Match "^Accepted gssapi-with-mic for root from $([regex]::Escape($dom0.RootAddress)) port \d+ ssh2: root@SMARTDOMAINS\.TEST$"
            Get-Accepted | Where-Object { $_ -match '^Accepted publickey' } | Should -BeNullOrEmpty
            # ssh asked the KDC for the dom0's host principal, the one its sshd holds in its keytab.
            (& /usr/bin/klist) -join "`n" | Should -Match ([regex]::Escape($dom0.KerberosPrincipal))
        }

        It 'after kdestroy, the open master goes on, but a fresh connect (-Force) fails with XenAuthenticationFailed and ssh''s message' {
            Connect-Kerberos | Out-Null
            $master = @(Get-TestSsh)
            $master.Count | Should -Be 1 -Because 'one master carries the connection'
            & /usr/bin/kdestroy
            try {
                & /usr/bin/klist -s
                $LASTEXITCODE | Should -Not -Be 0 -Because 'the cache holds no ticket any more'
                # A ticket is needed to log in, not to use a session that is open.
                (Invoke-XenCommand -Host dom0-kerberos -ArgumentList list).ExitCode | Should -Be 0
                $before = (Get-Accepted).Count
                Connect-Kerberos -Force -ErrorVariable err -ErrorAction SilentlyContinue | Should -BeNullOrEmpty
                $err[0].FullyQualifiedErrorId | Should -BeLike 'XenAuthenticationFailed*'
                $err[0].Exception.Message | Should -Match 'Permission denied \([^)]*gssapi-with-mic[^)]*\)'
                (Get-Accepted).Count | Should -Be $before
                # The failed attempt left no ssh behind: only the first master is still there.
                @(Get-TestSsh).Id | Should -Be $master.Id
                Disconnect-XenHost
                Wait-NoTestSsh | Should -BeNullOrEmpty
            }
            finally { New-TestKerberosTicket -Principal $user }
        }

        It 'a new ticket logs in again' {
            $before = (Get-Accepted).Count
            (Connect-Kerberos).Connected | Should -BeTrue
            $new = @(Get-Accepted | Select-Object -Skip $before)
            $new.Count | Should -Be 1
            $new[0] | Should -Match '^Accepted gssapi-with-mic for root '
        }
    }
}
