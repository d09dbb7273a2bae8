# A private Kerberos realm for the test hosts: a KDC (MIT krb5kdc) inside a test host's network namespace, principals
# for users and for hosts' sshd, and tickets in private credential caches. Dot-sourced by TestHosts.psm1, so it uses
# that module's private helpers. See tests/Harness/README.md.
#
# Nothing here touches the machine's Kerberos setup: every program gets KRB5_CONFIG (and the KDC KRB5_KDC_PROFILE)
# pointing at files in the test host's Dir, tickets go to the caches named here, and the KDC listens only on the test
# host's own address. The KDC's files live in that host's Dir and krb5kdc runs in its namespace, so Stop-TestHostSet and
# Clear-StaleTestHosts remove them with the host even when Stop-TestKdc never runs.

$script:KerberosPrograms = '/usr/sbin/krb5kdc', '/usr/sbin/kdb5_util', '/usr/sbin/kadmin.local', '/usr/bin/kinit', '/usr/bin/kdestroy'

#region private

function Assert-KerberosProgram {
    $missing = $script:KerberosPrograms | Where-Object { -not (Test-Path -LiteralPath $_) }
    if ($missing) { throw "A test KDC needs $($missing -join ', ') (Debian: krb5-kdc, krb5-admin-server, krb5-user)." }
}

function New-RandomSecret {
    [Convert]::ToBase64String([System.Security.Cryptography.RandomNumberGenerator]::GetBytes(24))
}

# The client side of the realm, for kinit, ssh and sshd alike. ssh asks for host/NAME@REALM where NAME is exactly what
# it was told (GSSAPIServerIdentity, or HostName): no DNS canonicalization, no reverse lookup, no search domain
# appended to a short name, and the KDC is found from this file, never from DNS.
function Write-Krb5Config {
    param([Parameter(Mandatory)] $Kdc)
    @"
[libdefaults]
    default_realm = $($Kdc.Realm)
    dns_lookup_kdc = false
    dns_lookup_realm = false
    dns_canonicalize_hostname = false
    rdns = false
    qualify_shortname = ""
[realms]
    $($Kdc.Realm) = {
        kdc = $($Kdc.Address):$($Kdc.Port)
    }
"@ | Set-Content -Path $Kdc.Krb5Config
}

# The KDC's own side: where its database and stash live, the one address it listens on, and log files in its Dir
# (kdb5_util and kadmin.local would otherwise log to syslog).
function Write-KdcProfile {
    param([Parameter(Mandatory)] $Kdc)
    $d = $Kdc.Dir
    @"
[kdcdefaults]
    kdc_listen = $($Kdc.Address):$($Kdc.Port)
    kdc_tcp_listen = $($Kdc.Address):$($Kdc.Port)
[realms]
    $($Kdc.Realm) = {
        database_name = $d/principal
        key_stash_file = $d/stash
    }
[logging]
    kdc = FILE:$d/kdc.log
    default = FILE:$d/krb5lib.log
"@ | Set-Content -Path $Kdc.KdcProfile
}

function Get-KdcEnvironment {
    param([Parameter(Mandatory)] $Kdc)
    [ordered]@{ KRB5_CONFIG = $Kdc.Krb5Config; KRB5_KDC_PROFILE = $Kdc.KdcProfile }
}

# kadmin.local exits 0 even when its query fails; its errors are the stderr lines that are not the usual chatter.
function Invoke-TestKadmin {
    param([Parameter(Mandatory)] $Kdc, [Parameter(Mandatory)][string] $Query, [string] $Tolerate)
    $r = Invoke-NativeCommand /usr/sbin/kadmin.local '-r', $Kdc.Realm, '-q', $Query -Environment (Get-KdcEnvironment $Kdc)
    $errors = $r.StdErr -split "`n" | Where-Object { $_.Trim() -and $_ -notmatch '^(Authenticating as principal|No policy specified)' }
    if ($Tolerate) { $errors = $errors | Where-Object { $_ -notmatch $Tolerate } }
    if ($errors) { throw "kadmin.local '$Query' failed: $($errors -join ' ')" }
}

# True when PID is the krb5kdc this KDC object started (guards the kill by PID).
function Test-OwnKdc {
    param([Nullable[int]] $ProcessId, [string] $PidFile)
    if (-not $ProcessId -or -not (Test-ProcessAlive $ProcessId)) { return $false }
    try { $cmd = [System.IO.File]::ReadAllText("/proc/$ProcessId/cmdline") } catch { return $false }
    $cmd.Contains("krb5kdc`0") -and $cmd.Contains("`0$PidFile`0")
}

function Wait-KdcReady {
    param([Parameter(Mandatory)] $Kdc, [Parameter(Mandatory)] $TestHost, [int] $TimeoutSec = 15)
    $deadline = [DateTime]::UtcNow.AddSeconds($TimeoutSec)
    while ([DateTime]::UtcNow -lt $deadline) {
        if (-not $Kdc.Pid -and (Test-Path $Kdc.PidFile)) {
            $text = "$(Get-Content -Raw $Kdc.PidFile -ErrorAction Ignore)".Trim()
            if ($text) { $Kdc.Pid = [int] $text }
        }
        if ($Kdc.Pid -and (Test-HostPort $TestHost -Port $Kdc.Port)) { return }
        if ($Kdc.Pid -and -not (Test-ProcessAlive $Kdc.Pid)) { break }
        Start-Sleep -Milliseconds 10
    }
    $log = (Get-Content $Kdc.StdErrLog, $Kdc.Log -Tail 5 -ErrorAction Ignore) -join "`n"
    throw "krb5kdc for $($Kdc.Realm) did not come up on $($Kdc.Address):$($Kdc.Port). Log:`n$log"
}

#endregion

#region public

function Start-TestKdc {
    <#
    .SYNOPSIS
    Creates a private realm (database, krb5.conf, kdc.conf in TESTHOST.Dir/kdc) and runs krb5kdc in the test host's
    network namespace, on that host's address only (port 88). Returns a SmartDomains.TestKdc object.
    #>
    [CmdletBinding()]
    [OutputType('SmartDomains.TestKdc')]
    param(
        [Parameter(Mandatory, Position = 0)][Alias('Host')] $TestHost,
        [ValidatePattern('^[A-Z][A-Z0-9.-]{0,62}$')][string] $Realm = 'SMARTDOMAINS.TEST'
    )
    Assert-KerberosProgram
    Assert-HostAnchor $TestHost
    $dir = Join-Path $TestHost.Dir 'kdc'
    if (Test-Path -LiteralPath $dir) { throw "$($TestHost.Name) already holds a test KDC ($dir); Stop-TestKdc it first." }
    $null = [System.IO.Directory]::CreateDirectory($dir)
    $kdc = [pscustomobject]@{
        PSTypeName = 'SmartDomains.TestKdc'
        Realm      = $Realm
        Address    = $TestHost.Address
        Port       = 88
        TestHost   = $TestHost.Name
        Dir        = $dir
        # What a client (kinit, ssh, the module's ssh) needs as KRB5_CONFIG.
        Krb5Config = Join-Path $dir 'krb5.conf'
        KdcProfile = Join-Path $dir 'kdc.conf'
        Log        = Join-Path $dir 'kdc.log'
        StdErrLog  = Join-Path $dir 'krb5kdc.stderr'
        PidFile    = Join-Path $dir 'krb5kdc.pid'
        Pid        = $null
    }
    try {
        Write-Krb5Config $kdc
        Write-KdcProfile $kdc
        # -s: a stash file, so krb5kdc starts without asking for the master password (random; nobody needs it again).
        $null = Invoke-NativeCommand /usr/sbin/kdb5_util 'create', '-s', '-r', $Realm, '-P', (New-RandomSecret) -Environment (Get-KdcEnvironment $kdc)
        $environment = foreach ($e in (Get-KdcEnvironment $kdc).GetEnumerator()) { "$($e.Key)=$($e.Value)" }
        $null = Invoke-Helper (@('kdc', $TestHost.AnchorPid, $kdc.PidFile, $kdc.StdErrLog) + @($environment))
        Wait-KdcReady $kdc $TestHost
    }
    catch {
        Stop-TestKdc -Kdc $kdc
        throw
    }
    $kdc
}

function Stop-TestKdc {
    <#
    .SYNOPSIS
    Kills the KDC (by its recorded PID, after checking its command line) and removes its directory: database, keytabs
    and credential caches made by New-TestKerberosPrincipal. Safe to repeat, and after Stop-TestHostSet.
    #>
    [CmdletBinding()]
    param([Parameter(Mandatory, ValueFromPipeline, Position = 0)] $Kdc)
    process {
        if (Test-OwnKdc $Kdc.Pid $Kdc.PidFile) { $null = Invoke-Helper 'kill', $Kdc.Pid }
        $Kdc.Pid = $null
        if (Test-Path -LiteralPath $Kdc.Dir) { Remove-Item -LiteralPath $Kdc.Dir -Recurse -Force }
    }
}

function New-TestKerberosPrincipal {
    <#
    .SYNOPSIS
    Adds a user principal NAME@REALM with a random key, writes its keytab, and (unless -NoTicket) gets it a ticket with
    kinit into a credential cache of its own. Returns Principal, KeytabFile, CredentialCache (a KRB5CCNAME value) and
    Krb5Config (a KRB5_CONFIG value).
    .NOTES
    sshd maps NAME@REALM to the local user NAME (krb5's default rule for the default realm): use root for a test host.
    #>
    [CmdletBinding()]
    param(
        [Parameter(Mandatory)] $Kdc,
        [ValidatePattern('^[a-z_][a-z0-9_.-]{0,31}$')][string] $Name = 'root',
        [switch] $NoTicket
    )
    $principal = "$Name@$($Kdc.Realm)"
    Invoke-TestKadmin $Kdc "addprinc -randkey $principal"
    $keytab = Join-Path $Kdc.Dir "$Name.keytab"
    Invoke-TestKadmin $Kdc "ktadd -k $keytab $principal"
    $p = [pscustomobject]@{
        PSTypeName      = 'SmartDomains.TestKerberosPrincipal'
        Principal       = $principal
        KeytabFile      = $keytab
        CredentialCache = 'FILE:' + (Join-Path $Kdc.Dir "ccache-$Name")
        Krb5Config      = $Kdc.Krb5Config
    }
    if (-not $NoTicket) { New-TestKerberosTicket -Principal $p }
    $p
}

function New-TestKerberosTicket {
    <#
    .SYNOPSIS
    kinit from the principal's keytab into its credential cache (again after a kdestroy). The KDC must be running.
    #>
    [CmdletBinding()]
    param([Parameter(Mandatory, ValueFromPipeline, Position = 0)] $Principal)
    process {
        $null = Invoke-NativeCommand /usr/bin/kinit '-k', '-t', $Principal.KeytabFile, '-c', $Principal.CredentialCache, $Principal.Principal `
            -Environment @{ KRB5_CONFIG = $Principal.Krb5Config }
    }
}

function Enable-TestHostKerberos {
    <#
    .SYNOPSIS
    Lets the host's sshd accept Kerberos (gssapi-with-mic) logins of the KDC's realm: a host/NAME@REALM principal and its
    keytab in the host's Dir, GSSAPIAuthentication and LogLevel VERBOSE in sshd_config, KRB5_CONFIG and KRB5_KTNAME in
    sshd's environment, and sshd restarted. sshd needs only its keytab, never the KDC: only the client must reach that.
    .NOTES
    sshd checks that the client asked for host/<its hostname>, and the host's hostname is its Name: point ssh at that
    principal with GSSAPIServerIdentity NAME in the client's ssh config.
    #>
    [CmdletBinding()]
    param(
        [Parameter(Mandatory, ValueFromPipeline, Position = 0)][Alias('Host')] $TestHost,
        [Parameter(Mandatory)] $Kdc,
        [switch] $PassThru
    )
    process {
        $principal = "host/$($TestHost.Name)@$($Kdc.Realm)"
        $keytab = Join-Path $TestHost.Dir 'krb5.keytab'
        # A second Enable gets a new key version in the same keytab.
        Invoke-TestKadmin $Kdc "addprinc -randkey $principal" -Tolerate 'already exists'
        Invoke-TestKadmin $Kdc "ktadd -k $keytab $principal"
        # The host keeps its own copy of the realm's krb5.conf: it stays self-contained after Stop-TestKdc.
        $krb5Config = Join-Path $TestHost.Dir 'krb5.conf'
        Copy-Item -LiteralPath $Kdc.Krb5Config -Destination $krb5Config
        # KRB5RCACHEDIR: the acceptor's replay cache goes to the host's Dir, not the machine's /var/tmp.
        $TestHost.SshdEnvironment = [ordered]@{ KRB5_CONFIG = $krb5Config; KRB5_KTNAME = "FILE:$keytab"; KRB5RCACHEDIR = $TestHost.Dir }
        $TestHost.KerberosPrincipal = $principal
        Write-SshdConfig $TestHost -Gssapi
        Restart-TestHostSshd -TestHost $TestHost -PassThru:$PassThru
    }
}

#endregion
