#Requires -Version 7.4
# The portal's runs over real SSH test hosts, through its HTTP API as the page calls it: a host whose sshd dies in the
# middle of a Start run fails that run with the host named, the other host's domains start, and nothing is left half-made:
# a second run completes, and Clear gives both hosts back exactly as they were.
BeforeDiscovery {
    $script:canRunHosts = $IsLinux -and ((id -u) -eq 0) -and (Test-Path /usr/sbin/sshd)
}

Describe 'Portal runs on SSH test hosts' -Skip:(-not $canRunHosts) {
    BeforeAll {
        Import-Module $env:SMARTDOMAINS_MODULE -Force
        Import-Module "$PSScriptRoot/../Harness/TestHosts.psm1" -Force
        $emulatorDir = Join-Path (Split-Path $env:SMARTDOMAINS_MODULE) 'emulator'
        $script:set = Start-TestHostSet -Count 2 -EmulatorDir $emulatorDir -Prefix sdp -Settings @{ latency_ms = @{ create = 800 } }
        $script:work = Join-Path ([IO.Path]::GetTempPath()) "sd-portalssh-$PID"
        $script:folder = New-Item -ItemType Directory -Force (Join-Path $work 'pools')
        $script:known = New-TestKnownHostsFile -Hosts $set -Path (Join-Path $work 'known_hosts')
        $script:names = @($set | ForEach-Object { (Connect-XenHost -ComputerName $_.Address -KeyFile $_.ClientKeyFile -KnownHostsFile $known).Name })
        $script:before = @($set | ForEach-Object { , (Get-TestHostSnapshot $_) })
        $domains = foreach ($i in 0..1) { foreach ($n in 1..2) {
                @{ name = "p$i$n"; extends = 'debian'; memory = 64; disks = @(); placement = @{ host = $names[$i] } } } }
        @{ name = 'portalssh'; domains = @($domains) } | ConvertTo-Json -Depth 5 | Set-Content (Join-Path $folder 'pool.json')
        $script:portal = Start-XenPortal -Path $folder
        $script:base = $portal.Url.GetLeftPart([UriPartial]::Authority)
        $script:headers = @{ Authorization = "Bearer $($portal.Url.Query -replace '^\?token=')"; 'X-SmartDomains' = '1' }

        function script:Invoke-Api([string] $Method, [string] $Path, $Body) {
            $call = @{ Method = $Method; Uri = "$base$Path"; Headers = $headers }
            if ($null -ne $Body) { $call.Body = $Body | ConvertTo-Json -Compress; $call.ContentType = 'application/json' }
            Invoke-RestMethod @call
        }
        # As the page does: the -WhatIf preview, then the run from the preview's id, then its log until the run ends.
        function script:Invoke-PortalRun([hashtable] $Request) {
            $preview = Invoke-Api POST /api/runs/preview $Request
            $run = Invoke-Api POST /api/runs @{ previewId = $preview.previewId }
            $deadline = [DateTime]::UtcNow.AddSeconds(120)
            do {
                Start-Sleep -Milliseconds 200
                $log = Invoke-Api GET "/api/runs/$($run.id)"
            } while ($log.run.state -eq 'Running' -and [DateTime]::UtcNow -lt $deadline)
            $log
        }
        function script:Running([int] $Index) {
            @(Get-XenDomain -XenHost $names[$Index] -ErrorAction SilentlyContinue | Where-Object Name -like 'p*' | ForEach-Object Name | Sort-Object)
        }
    }
    AfterAll {
        Get-XenPortal -ErrorAction Ignore | Stop-XenPortal -ErrorAction Ignore
        if ($set) { $set | ForEach-Object { Start-TestHostSshd -TestHost $_ -ErrorAction Ignore } }
        Clear-XenHost -Force -ErrorAction Ignore | Out-Null
        Get-XenHost -NoRefresh -ErrorAction Ignore | Disconnect-XenHost
        if ($set) { Stop-TestHostSet -Hosts $set }
        Remove-Item -Recurse -Force $work -ErrorAction Ignore
    }

    It 'a host whose sshd dies during a Start run fails the run with the host named; the other host''s domains start' {
        $killer = Stop-TestHostSshdOnCommand $set[1] 'create'
        try { $log = Invoke-PortalRun @{ action = 'Start'; path = 'pool.json' } }
        finally { $hit = $killer | Wait-Job | Receive-Job; $killer | Remove-Job; Start-TestHostSshd -TestHost $set[1] }
        $hit | Should -Match 'create' -Because 'sshd died at host 2''s first xl create'
        $log.run.state | Should -Be 'Failed'
        $log.run.errorCount | Should -BeGreaterThan 0
        $errors = @($log.log | Where-Object kind -EQ error)
        ($errors.text -join "`n") | Should -Match ([regex]::Escape($names[1]))
        ($errors.domain | Where-Object { $_ }) | ForEach-Object { $_ | Should -BeLike 'p1*' -Because 'only host 2''s domains failed' }
        Running 0 | Should -Be @('p01', 'p02')
    }

    It 'a second Start run completes the pool from where the first left host 2' {
        $log = Invoke-PortalRun @{ action = 'Start'; path = 'pool.json' }
        $log.run.state | Should -Be 'Completed' -Because (($log.log | Where-Object kind -EQ error).text -join "`n")
        Running 0 | Should -Be @('p01', 'p02')
        Running 1 | Should -Be @('p11', 'p12')
    }

    It 'a Clear run gives both hosts back exactly as they were' {
        $log = Invoke-PortalRun @{ action = 'Clear' }
        $log.run.state | Should -Be 'Completed' -Because (($log.log | Where-Object kind -EQ error).text -join "`n")
        for ($i = 0; $i -lt 2; $i++) {
            Compare-Object $before[$i] (Get-TestHostSnapshot $set[$i]) | Should -BeNullOrEmpty -Because "host $($names[$i]) is as it was"
        }
    }
}
