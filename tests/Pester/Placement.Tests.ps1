#Requires -Version 7.4
# New-XenPool plans pools onto real SSH test hosts of different sizes. It only reads: the hosts' logs prove it.
BeforeDiscovery {
    $script:canRunHosts = $IsLinux -and ((id -u) -eq 0) -and (Test-Path /usr/sbin/sshd)
}

Describe 'Placement on SSH test hosts' -Skip:(-not $canRunHosts) {
    BeforeAll {
        Import-Module $env:SMARTDOMAINS_MODULE -Force
        Import-Module "$PSScriptRoot/../Harness/TestHosts.psm1" -Force
        $emulatorDir = Join-Path (Split-Path $env:SMARTDOMAINS_MODULE) 'emulator'
        $script:set = Start-TestHostSet -Count 3 -EmulatorDir $emulatorDir -Prefix sdp
        $script:work = Join-Path ([IO.Path]::GetTempPath()) "sd-place-$PID"
        New-Item -ItemType Directory -Force $work | Out-Null
        # Three hosts of different sizes: 32, 16 and 8 GiB, each with 1 GiB for Domain-0.
        $sizes = 32768, 16384, 8192
        for ($i = 0; $i -lt 3; $i++) { Set-TestHostSetting $set[$i] @{ total_memory = $sizes[$i] } }
        $known = New-TestKnownHostsFile -Hosts $set -Path (Join-Path $work 'known_hosts')
        $script:hosts = $set | ForEach-Object { Connect-XenHost -ComputerName $_.Address -KeyFile $_.ClientKeyFile -KnownHostsFile $known }
        $script:names = $hosts | ForEach-Object Name
        function script:Write-Pool([string] $Json) {
            $path = Join-Path $work "pool-$([guid]::NewGuid().ToString('n')).json"
            Set-Content -Path $path -Value $Json
            $path
        }
        function script:Get-Logs { $set | ForEach-Object { (Invoke-TestHostShell -Host $_ -Command 'cat /var/lib/xen/emulator/commands.log 2>/dev/null || true') } }
    }
    AfterAll {
        Get-XenHost -NoRefresh -ErrorAction Ignore | Disconnect-XenHost
        if ($set) { Stop-TestHostSet -Hosts $set }
        Remove-Item -Recurse -Force $work -ErrorAction Ignore
    }

    It 'reads each host''s capacity' {
        ($names | ForEach-Object { (Get-XenHost -Name $_).TotalMemoryMiB }) | Should -Be @(32768, 16384, 8192)
    }

    It 'spreads domains to balance free memory, and only reads from the hosts' {
        $path = Write-Pool '{ "name": "spread", "domains": [ { "name": "w", "extends": "debian", "memory": "5G", "count": 7 } ] }'
        $before = Get-Logs
        $pool = New-XenPool -Path $path
        $pool.DomainCount | Should -Be 7
        $perHost = $pool.Domains | Group-Object Host -AsHashTable
        # Free 31744, 15360, 7168 MiB; each 5 GiB domain goes to the host with the most free: a a a a b a b.
        $perHost[$names[0]].Count | Should -Be 5
        $perHost[$names[1]].Count | Should -Be 2
        $perHost.ContainsKey($names[2]) | Should -BeFalse
        $after = Get-Logs
        for ($i = 0; $i -lt 3; $i++) {
            $new = ($after[$i] -split "`n" | Where-Object { $_ }) | Select-Object -Skip (($before[$i] -split "`n" | Where-Object { $_ }).Count)
            # Reads only: the capacity, and the domains (a pool started before keeps its placement).
            ($new | ForEach-Object { ($_ -split "`t")[1] } | Sort-Object) | Should -Be @('xl info', 'xl list -v')
        }
        (Get-XenDomain) | Should -BeNullOrEmpty
    }

    It 'packs domains onto the fullest host that fits when asked' {
        $path = Write-Pool '{ "name": "packed", "placement": { "policy": "pack" }, "domains": [ { "name": "s", "extends": ["debian", "small-service"], "count": 4 } ] }'
        $pool = New-XenPool -Path $path
        ($pool.Domains.Host | Sort-Object -Unique) | Should -Be $names[2]
    }

    It 'pins a domain to a host and keeps anti-affine workers apart' {
        $json = @"
{ "name": "mixed", "domains": [
  { "name": "web", "extends": ["debian", "small-service"], "placement": { "host": "$($names[2])" } },
  { "name": "geant4", "extends": ["fedora", "batch-worker"], "memory": "6G", "count": 3 } ] }
"@
        $pool = New-XenPool -Path (Write-Pool $json)
        ($pool.Domains | Where-Object Name -EQ web).Host | Should -Be $names[2]
        $g4 = $pool.Domains | Where-Object GroupName -EQ geant4
        ($g4.Host | Sort-Object -Unique).Count | Should -Be 3
    }

    It 'says which domain does not fit, on which resource and by how much' {
        $path = Write-Pool '{ "name": "toobig", "domains": [ { "name": "huge", "extends": "debian", "memory": "30G" }, { "name": "big", "extends": "debian", "memory": "20G" } ] }'
        New-XenPool -Path $path -ErrorVariable err -ErrorAction SilentlyContinue | Should -BeNullOrEmpty
        $err[0].FullyQualifiedErrorId | Should -BeLike 'XenPoolPlacementFailed*'
        $err[0].Exception.Failures | Should -HaveCount 1
        $failure = $err[0].Exception.Failures[0]
        $failure.Domain | Should -Be 'big'
        $failure.Resource | Should -Be 'memory'
        $failure.ShortBy | Should -Be (20480 - 15360)
        $failure.Unit | Should -Be MiB
    }

    It 'rejects a domain larger than any host as a pool file error, before asking any host' {
        $path = Write-Pool "{ `"name`": `"p`",`n  `"domains`": [ { `"name`": `"x`", `"extends`": `"debian`", `"memory`": `"64G`" } ] }"
        $before = Get-Logs
        New-XenPool -Path $path -ErrorVariable err -ErrorAction SilentlyContinue | Should -BeNullOrEmpty
        $err[0].FullyQualifiedErrorId | Should -BeLike 'PoolFileInvalid*'
        $err[0].Exception.Errors[0].Line | Should -Be 2
        $err[0].Exception.Message | Should -Match 'more than any host has in total'
        Get-Logs | Should -Be $before
    }

    It 'plans onto the hosts given with -Host only' {
        $path = Write-Pool '{ "name": "two", "domains": [ { "name": "w", "extends": "debian", "count": 2, "placement": { "antiAffinity": "w" } } ] }'
        $pool = New-XenPool -Path $path -Host $names[1], $names[2]
        ($pool.Domains.Host | Sort-Object) | Should -Be (@($names[1], $names[2]) | Sort-Object)
    }

    It 'shows the exact xl.cfg each domain gets' {
        $path = Write-Pool '{ "name": "cfg", "domains": [ { "name": "db", "extends": "debian", "network": [ { "bridge": "${br}", "ip": "10.231.1.50" } ] } ] }'
        $config = New-XenPool -Path $path -Parameter @{ br = 'xenbr7' } | Get-XenDomainConfig
        $config.Path | Should -Be '/etc/xen/db.cfg'
        $config.Text | Should -Match 'name = "db"'
        $config.Text | Should -Match 'bridge=xenbr7,ip=10.231.1.50'
        $config.Text | Should -Match 'target=/var/lib/xen/images/cfg/db-xvda.qcow2'
    }
}
