#Requires -Version 7.4
<#
Runs every example in the help (en-US/<Cmdlet>.md, the first fenced block of each '### Example N') against emulated hosts,
so that examples cannot rot.

The environment every example finds
    Three emulated hosts, emu1, emu2 and emu3, under a temporary emulator root. $env:XDG_DATA_HOME points into the test's
    temporary folder while the file runs, so an example that writes `Connect-XenHost -Emulator -Name emu1` (no -EmulatorRoot)
    uses these hosts and never the user's own. So do $env:XDG_STATE_HOME and $env:XDG_CONFIG_HOME, for the schedules'
    files; a schedule example that really registers (with '# Needs: crontab') uses the user's crontab and unregisters
    again in the same example. Guests answer on ports 22 and 2222 after 100 ms.

    Two pools run, started from -Definition with tiny raw disks:
        lab      www (emu3, no disk, 127.0.60.1), db (emu1, 64 MiB raw disk, 127.0.60.2),
                 app (emu2, no disk, 127.0.60.3, dependsOn www and db)
        nightly  web (emu2, 16 MiB raw disk, 127.0.61.1), worker (emu2, 127.0.61.2, dependsOn web),
                 batch-1 (emu3, 127.0.61.3), batch-2 (emu1, 127.0.61.4)
    An image repository folder with tiny base images (debian-12.img, fedora-40.img, slc-6.img), also set as
    $SmartDomainsImageRepository. The current location is a work folder holding:
        ./lab.json      the pool file of New-XenPool's first example (planned only, never started)
        ./saved/        an image repository with web-nightly, a checkpoint of web

How an example runs
    Each example runs in a fresh runspace of this process with the built module ($env:SMARTDOMAINS_MODULE) imported. A
    prelude, not shown in the help, connects emu1, emu2 and emu3, sets $SmartDomainsImageRepository, sets the location, and
    sets $pool = Get-XenPool lab and $nightly = Get-XenPool nightly (the variables the examples take from an earlier one).
    A few help files need more (see $pageSetup and $pageTeardown below): Start-XenPool's first example starts lab from its
    definition, so lab is removed before that file and after it. The example's output goes through Out-String, so its formatting runs too. The examples of one help file run in order;
    before each file the test puts the environment back (settings.json, stray domains, both pools, the saved image).

What is asserted
    The example completes without a terminating error and writes no error record to the error stream. An example whose code
    starts with '# Expected error: <ErrorId>' must record an error with that id (in $Error, so -ErrorAction SilentlyContinue
    is fine). An example whose code starts with '# Not run by the tests: <reason>' is skipped with that reason; one with a line
    '# Needs: <program>' is skipped when the program is not on this machine (emulated hosts use this machine's tools).
#>

BeforeDiscovery {
    $script:helpDir = Join-Path $PSScriptRoot '../../en-US'
    $lastFiles = 'Remove-XenPool', 'Clear-XenHost'   # they remove the environment: run last, so it is rebuilt at most once
    $files = Get-ChildItem -LiteralPath $helpDir -Filter *.md | Sort-Object { $_.BaseName -in $lastFiles }, { [array]::IndexOf($lastFiles, $_.BaseName) }, BaseName
    $script:pages = foreach ($file in $files) {
        $lines = Get-Content -LiteralPath $file.FullName
        $section = $null; $example = $null; $inFence = $false; $examples = [System.Collections.Generic.List[object]]::new()
        foreach ($line in $lines) {
            if ($line -match '^\s*```') {
                if (-not $inFence) {
                    $inFence = $true
                    if ($example -and $null -eq $example.Code) { $example.Collect = $true; $example.CodeLines = [System.Collections.Generic.List[string]]::new() }
                    continue
                }
                $inFence = $false
                if ($example -and $example.Collect) { $example.Code = $example.CodeLines -join "`n"; $example.Collect = $false }
                continue
            }
            if ($inFence) { if ($example -and $example.Collect) { $example.CodeLines.Add($line) }; continue }
            if ($line -match '^## (.+)$') { $section = $Matches[1].Trim(); $example = $null; continue }
            if ($section -eq 'EXAMPLES' -and $line -match '^### (Example \d+.*)$') {
                $example = [ordered]@{ Title = $Matches[1].Trim(); Code = $null; Collect = $false; CodeLines = $null }
                $examples.Add($example)
            }
        }
        $tests = foreach ($e in $examples) {
            $first = ($e.Code -split "`n" | Select-Object -First 1)
            @{
                Page          = $file.BaseName
                Title         = $e.Title
                Code          = $e.Code
                Skip          = if ($first -match '^\s*#\s*Not run by the tests:\s*(.+)$') { $Matches[1].Trim() }
                                elseif ($e.Code -match '(?m)^\s*#\s*Needs:\s*(\S+)' -and -not (Get-Command $Matches[1] -CommandType Application -ErrorAction Ignore)) {
                                    "it needs $($Matches[1]) on the host, which this machine lacks (the test command installs it as root)"
                                }
                ExpectedError = if ($first -match '^\s*#\s*Expected error:\s*(\w+)') { $Matches[1] }
            }
        }
        @{ Page = $file.BaseName; Examples = @($tests) }
    }
}

BeforeAll {
    Import-Module -Name $env:SMARTDOMAINS_MODULE -Force
    $script:clock = [Diagnostics.Stopwatch]::StartNew()
    $script:work = Join-Path ([IO.Path]::GetTempPath()) "sd-helpex-$PID"
    Remove-Item -LiteralPath $work -Recurse -Force -ErrorAction Ignore
    $script:images = Join-Path $work 'images'
    $script:cwd = Join-Path $work 'cwd'
    New-Item -ItemType Directory -Force $images, $cwd | Out-Null
    foreach ($base in 'debian-12', 'fedora-40', 'slc-6') {
        $bytes = [byte[]]::new(1MB); [Random]::new($base.Length).NextBytes($bytes)
        [IO.File]::WriteAllBytes((Join-Path $images "$base.img"), $bytes)
    }
    $script:saved = $env:XDG_DATA_HOME, $env:PSModulePath, $env:XDG_STATE_HOME, $env:XDG_CONFIG_HOME
    $env:XDG_DATA_HOME = Join-Path $work 'xdg'
    # Schedules (Register-XenPoolSchedule's examples) keep their runbooks, manifests and user units here, not in the user's.
    $env:XDG_STATE_HOME = Join-Path $work 'xdg-state'
    $env:XDG_CONFIG_HOME = Join-Path $work 'xdg-config'
    # Lets `Import-Module SmartDomains` (by name) find the built module, as it would once installed.
    $env:PSModulePath = (Split-Path (Split-Path (Split-Path $env:SMARTDOMAINS_MODULE))) + [IO.Path]::PathSeparator + $env:PSModulePath
    $script:hostNames = 'emu1', 'emu2', 'emu3'
    $script:settings = @{ guest_boot_delay_ms = 100; guest_ports = @(22, 2222) }

    $script:labDefinition = @{
        name    = 'lab'
        domains = @(
            @{ name = 'www'; extends = @('debian', 'small-service'); disks = @(); network = @(@{ ip = '127.0.60.1' }); placement = @{ host = 'emu3' }; liveness = @{ port = 2222 } }
            @{ name = 'db'; extends = 'debian'; memory = '2G'; disks = @(@{ size = '64M' }); network = @(@{ ip = '127.0.60.2' }); placement = @{ host = 'emu1' }; liveness = @{ port = 2222 } }
            @{ name = 'app'; extends = 'debian'; disks = @(); dependsOn = @('www', 'db'); network = @(@{ ip = '127.0.60.3' }); placement = @{ host = 'emu2' }; liveness = @{ port = 2222 } }
        )
    }
    $script:nightlyDefinition = @{
        name    = 'nightly'
        domains = @(
            @{ name = 'web'; extends = 'debian'; memory = '256M'; disks = @(@{ size = '16M' }); network = @(@{ ip = '127.0.61.1' }); placement = @{ host = 'emu2' }; liveness = @{ port = 2222; timeout = '10s' } }
            @{ name = 'worker'; extends = 'debian'; memory = '256M'; disks = @(); dependsOn = 'web'; network = @(@{ ip = '127.0.61.2' }); placement = @{ host = 'emu2' }; liveness = @{ port = 2222 } }
            @{ name = 'batch-1'; extends = 'debian'; memory = '256M'; disks = @(); network = @(@{ ip = '127.0.61.3' }); placement = @{ host = 'emu3' }; liveness = @{ port = 2222 } }
            @{ name = 'batch-2'; extends = 'debian'; memory = '256M'; disks = @(); network = @(@{ ip = '127.0.61.4' }); placement = @{ host = 'emu1' }; liveness = @{ port = 2222 } }
        )
    }
    $script:fixtureDomains = @($labDefinition.domains.name) + @($nightlyDefinition.domains.name)
    $script:fixturePlaces = foreach ($d in @($labDefinition.domains) + @($nightlyDefinition.domains)) { "$($d.name)@$($d.placement.host)" }
    # What a help file needs beyond the common environment, done after the reset.
    $script:pageSetup = @{
        # Its first example starts pool lab from a definition, as on fresh hosts.
        'Start-XenPool' = { Get-XenPool lab | Remove-XenPool -Force | Out-Null }
    }
    # What a help file leaves that the reset would not put back. Start-XenPool's examples plan lab by spread, so its domains
    # may sit on other hosts than the fixture's; removing the pool takes their configs and journal entries too.
    $script:pageTeardown = @{
        'Start-XenPool' = { Get-XenPool lab -ErrorAction Ignore | Remove-XenPool -Force | Out-Null }
    }

    # Puts the environment back as the comment at the top describes. Cheap when nothing changed: one xl list per host.
    function script:Reset-HelpEnvironment {
        $SmartDomainsImageRepository = $images
        $hosts = @(Get-XenHost -NoRefresh -ErrorAction Ignore | Where-Object Connected)
        if ($hosts.Count -ne $hostNames.Count) { $hosts = Connect-XenHost -Emulator -Name $hostNames }
        foreach ($h in $hosts) {
            $file = Join-Path (Split-Path $h.ImageDir) 'emulator/settings.json'
            $fresh = [ordered]@{ hostname = $h.Name }
            foreach ($k in $settings.Keys | Sort-Object) { $fresh[$k] = $settings[$k] }
            $json = $fresh | ConvertTo-Json -Depth 5
            if (-not (Test-Path $file) -or (Get-Content -Raw $file).Trim() -ne $json.Trim()) { Set-Content -LiteralPath $file -Value $json }
        }
        $domains = @(Get-XenDomain)
        $domains | Where-Object { "$($_.Name)@$($_.Host)" -notin $fixturePlaces } | Stop-XenDomain -Force
        $domains | Where-Object { $_.Name -in $fixtureDomains -and $_.State -eq 'Paused' } | Resume-XenDomain
        foreach ($definition in $labDefinition, $nightlyDefinition) {
            $healthy = foreach ($d in $definition.domains) {
                $live = $domains | Where-Object { $_.Name -eq $d.name -and $_.Host -eq $d.placement.host -and $_.State -in 'Running', 'Blocked', 'Paused' }
                [bool]$live
            }
            if ($healthy -notcontains $false) { continue }
            $results = New-XenPool -Definition $definition | Start-XenPool -ErrorAction Stop -WarningAction SilentlyContinue
            $bad = @($results | Where-Object Status -NotIn 'Started', 'AlreadyRunning')
            if ($bad) { throw "The help environment could not start pool $($definition.name): $($bad | Out-String)" }
        }
        $lab = Join-Path $cwd 'lab.json'
        if (-not (Test-Path $lab)) {
            Set-Content $lab '{ "name": "lab", "domains": [ { "name": "www", "extends": ["debian", "small-service"] }, { "name": "slc-{n:00}", "extends": "slc", "count": 2, "dependsOn": "www" }, { "name": "g4", "extends": ["fedora", "batch-worker"], "count": 2 } ] }'
        }
        $repo = Join-Path $cwd 'saved'
        if (-not (Test-Path (Join-Path $repo 'web-nightly/manifest.json'))) {
            New-Item -ItemType Directory -Force $repo | Out-Null
            Get-XenDomain web | Save-XenImage -Repository $repo -Checkpoint -ImageName web-nightly | Out-Null
        }
    }

    $script:prelude = @"
`$SmartDomainsImageRepository = '$images'
Set-Location -LiteralPath '$cwd'
Connect-XenHost -Emulator -Name emu1, emu2, emu3 | Out-Null
"@

    # Runs one example in a fresh runspace; returns what the assertions need.
    function script:Invoke-InRunspace($Runspace, [string] $Script) {
        $query = [powershell]::Create($Runspace)
        try { $query.AddScript($Script).Invoke() } finally { $query.Dispose() }
    }

    function script:Invoke-HelpExample([string] $Code, [int] $TimeoutSeconds = 90) {
        $iss = [System.Management.Automation.Runspaces.InitialSessionState]::CreateDefault2()
        $iss.ImportPSModule($env:SMARTDOMAINS_MODULE)
        $rs = [runspacefactory]::CreateRunspace($iss)
        $rs.Open()
        try {
            $ps = [powershell]::Create($rs)
            # `$pool and `$nightly only when the example uses them without making them, as a Get-XenPool costs a journal read per host.
            $setup = $prelude
            foreach ($v in 'pool', 'nightly') {
                if ($Code -match "\`$$v\b" -and $Code -notmatch "\`$$v\s*=") { $setup += "`n`$$v = Get-XenPool $(if ($v -eq 'pool') { 'lab' } else { 'nightly' }) -ErrorAction Ignore" }
            }
            $setup += "`n`$Error.Clear()"
            $null = $ps.AddScript($setup).AddStatement().AddScript(". {`n$Code`n} | Out-String -Width 200")
            $terminating = $null; $output = $null
            $async = $ps.BeginInvoke()
            if (-not $async.AsyncWaitHandle.WaitOne([timespan]::FromSeconds($TimeoutSeconds))) {
                $ps.Stop()
                $terminating = "did not finish within $TimeoutSeconds s"
            }
            else {
                try { $output = $ps.EndInvoke($async) -join "`n" }
                catch { $terminating = $_.Exception.InnerException ?? $_.Exception; $terminating = "$($terminating.GetType().Name): $($terminating.Message) $(($terminating.ErrorRecord ?? $null).FullyQualifiedErrorId)" }
            }
            # The example's errors are read now, and the follow-up queries run in PowerShell objects of their own: a query added
            # to the example's object after EndInvoke and Commands.Clear() sometimes got the example's output instead (2 in 300
            # in a loop here), which made a help example fail now and then with what looked like the example's own errors.
            $errors = @($ps.Streams.Error | ForEach-Object { "$($_.FullyQualifiedErrorId): $($_.Exception.Message) [at: $($_.InvocationInfo.Line.Trim()), $($_.CategoryInfo.TargetName)]" })
            $recorded = @(Invoke-InRunspace $rs '$Error | ForEach-Object { if ($_ -is [System.Management.Automation.ErrorRecord]) { $_.FullyQualifiedErrorId } else { $_.ErrorRecord.FullyQualifiedErrorId } }')
            $null = Invoke-InRunspace $rs 'Get-XenHost -NoRefresh -ErrorAction Ignore | Disconnect-XenHost'
            [pscustomobject]@{
                Output      = $output
                Terminating = $terminating
                Errors      = $errors
                ErrorIds    = @($recorded | ForEach-Object { "$_".Split(',')[0] })
            }
        }
        finally {
            if ($ps) { $ps.Dispose() }
            $rs.Dispose()
        }
    }
}

AfterAll {
    try {
        if ($env:XDG_DATA_HOME -like "$work*") {
            Connect-XenHost -Emulator -Name $hostNames -ErrorAction Ignore | Out-Null
            Clear-XenHost -Force -ErrorAction Ignore | Out-Null
            Get-XenHost -NoRefresh -ErrorAction Ignore | Disconnect-XenHost
        }
    }
    finally {
        $env:XDG_DATA_HOME, $env:PSModulePath, $env:XDG_STATE_HOME, $env:XDG_CONFIG_HOME = $saved
        Remove-Item -LiteralPath $work -Recurse -Force -ErrorAction Ignore
        Write-Host "Help examples: $([math]::Round($clock.Elapsed.TotalSeconds)) s in all."
    }
}

Describe 'Examples of <Page>' -ForEach $pages {
    BeforeAll {
        Reset-HelpEnvironment
        if ($pageSetup[$Page]) { & $pageSetup[$Page] }
    }
    AfterAll {
        if ($pageTeardown[$Page]) { & $pageTeardown[$Page] }
    }

    It '<Title>' -ForEach $Examples {
        if ($Skip) { Set-ItResult -Skipped -Because $Skip; return }
        $r = Invoke-HelpExample $Code
        $r.Terminating | Should -BeNullOrEmpty -Because "the example must not stop with a terminating error. Output:`n$($r.Output)"
        if ($ExpectedError) {
            $r.ErrorIds | Should -Contain $ExpectedError -Because "the example says it gives $ExpectedError (recorded: $($r.ErrorIds -join ', '))"
        }
        else {
            # The errors first: a log's digest of failures is cut short, and they say more than the output.
            if ($r.Errors) { throw "The example wrote $($r.Errors.Count) error(s): $($r.Errors -join ' | ')`nOutput:`n$($r.Output)" }
        }
    }
}
