#Requires -Version 7.4
# The real-browser harness (tests/Tools/TestBrowser.psm1) on a static page served from a loopback HttpListener: typing,
# clicking, reading, screenshots, and that nothing of chromium outlives Stop-TestBrowser or reaches beyond loopback.
BeforeDiscovery {
    Import-Module "$PSScriptRoot/../Tools/TestBrowser.psm1" -Force
    $script:canRunBrowser = Test-BrowserAvailable
}

Describe 'The test browser on a loopback page' -Skip:(-not $canRunBrowser) {
    BeforeAll {
        Import-Module "$PSScriptRoot/../Tools/TestBrowser.psm1" -Force
        $page = @'
<!DOCTYPE html>
<html><head><meta charset="utf-8"><title>harness</title></head>
<body>
  <textarea id="name"></textarea>
  <button id="greet" onclick="document.getElementById('result').textContent = 'Hello, ' + document.getElementById('name').value + '!'">Greet</button>
  <p id="result">nobody yet</p>
</body></html>
'@
        # A free loopback port for the listener (HttpListener cannot pick one itself).
        $probe = [Net.Sockets.TcpListener]::new([Net.IPAddress]::Loopback, 0)
        $probe.Start(); $port = $probe.LocalEndpoint.Port; $probe.Stop()
        $script:url = "http://127.0.0.1:$port/"
        $script:listener = [Net.HttpListener]::new()
        $listener.Prefixes.Add($url)
        $listener.Start()
        # Served from a thread job, so the test's own thread stays free to drive the browser.
        $script:server = Start-ThreadJob -ArgumentList $listener, $page {
            param($listener, $page)
            while ($listener.IsListening) {
                try { $context = $listener.GetContext() } catch { break }   # Stop() ends GetContext
                $found = $context.Request.Url.AbsolutePath -eq '/'
                $body = [Text.Encoding]::UTF8.GetBytes($(if ($found) { $page } else { 'not found' }))
                $context.Response.StatusCode = if ($found) { 200 } else { 404 }
                $context.Response.ContentType = 'text/html; charset=utf-8'
                $context.Response.OutputStream.Write($body, 0, $body.Length)
                $context.Response.Close()
            }
        }
        # Live processes (not zombies) that belong to a browser: chromedriver by its PID, the rest by the browser's own
        # directory, which is in every chromium command line (profile, crash database). Read with ps, not the harness.
        function script:Get-BrowserProcess($Browser) {
            $dir = Split-Path $Browser.ProfileDir
            @(ps -eo pid=,stat=,args= | ForEach-Object {
                    $id, $stat, $command = $_.Trim() -split '\s+', 3
                    if ($stat -notlike 'Z*' -and ([int] $id -eq $Browser.DriverPid -or "$command".Contains($dir))) { [int] $id }
                })
        }
        $script:browser = Start-TestBrowser
    }
    AfterAll {
        Stop-TestBrowser $browser
        $listener.Stop()
        $server | Wait-Job -Timeout 10 | Remove-Job -Force
        $listener.Close()
    }

    It 'types into a textarea, clicks a button and reads the text it changed' {
        $browser.Driver.Navigate().GoToUrl($url)
        (Wait-TestElement $browser '#result').Text | Should -Be 'nobody yet'
        (Wait-TestElement $browser '#name').SendKeys('Ada')
        (Wait-TestElement $browser '#greet').Click()
        (Wait-TestElement $browser '#result' -Text 'Hello, Ada!').Text | Should -Be 'Hello, Ada!'
    }

    It 'says which element it waited for, on which page, and what it saw instead' {
        { Wait-TestElement $browser '#result' -Text 'Hello, Bob!' -TimeoutSec 0.5 } |
            Should -Throw "Wait-TestElement: no visible '#result' with text 'Hello, Bob!' on $url within 0.5 s; last seen: text 'Hello, Ada!'"
        { Wait-TestElement $browser '#missing' -TimeoutSec 0.5 } | Should -Throw '*last seen: nothing matched'
    }

    It 'saves a screenshot as a non-empty PNG under out/test-artifacts/portal' {
        $file = Save-TestScreenshot $browser 'harness-greeting'
        $file.FullName | Should -Be ([IO.Path]::GetFullPath("$PSScriptRoot/../../out/test-artifacts/portal/harness-greeting.png"))
        $file.Length | Should -BeGreaterThan 1000
        $bytes = [IO.File]::ReadAllBytes($file.FullName)
        $bytes[0..7] | Should -Be @(0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A) -Because 'a PNG starts with its signature'
        # The IHDR chunk holds width and height, big-endian: the page's viewport, 1280 wide in the 1280x900 window (the
        # window's height includes what headless chromium keeps for its toolbar).
        $viewport = $browser.Driver.ExecuteScript('return [window.innerWidth, window.innerHeight]')
        $viewport[0] | Should -Be 1280
        [Buffers.Binary.BinaryPrimitives]::ReadInt32BigEndian([byte[]] $bytes[16..19]) | Should -Be $viewport[0]
        [Buffers.Binary.BinaryPrimitives]::ReadInt32BigEndian([byte[]] $bytes[20..23]) | Should -Be $viewport[1]
    }

    Context 'after Stop-TestBrowser' {
        BeforeAll {
            $script:running = Get-BrowserProcess $browser
            Stop-TestBrowser $browser
        }

        It 'leaves no chromium or chromedriver process behind' {
            $running.Count | Should -BeGreaterThan 2 -Because 'chromedriver, chromium and its helpers ran'
            Get-BrowserProcess $browser | Should -BeNullOrEmpty
            Test-Path (Split-Path $browser.ProfileDir) | Should -BeFalse
        }

        It 'sent nothing beyond loopback, by chromium''s own net log' {
            $browser.NetLogError | Should -BeNullOrEmpty
            $browser.Requested | Should -Contain $url -Because 'the net log records the page the test opened'
            $browser.Reached | Should -BeNullOrEmpty
        }

        It 'is harmless when called again' {
            { Stop-TestBrowser $browser } | Should -Not -Throw
        }
    }

    It 'still kills chromium when chromedriver died first' {
        $orphaned = Start-TestBrowser
        try {
            Stop-Process -Id $orphaned.DriverPid -Force
            $null = (Get-Process -Id $orphaned.DriverPid -ErrorAction Ignore)?.WaitForExit(5000)
            Get-BrowserProcess $orphaned | Should -Not -BeNullOrEmpty -Because 'chromium outlives its driver'
        }
        finally { Stop-TestBrowser $orphaned }
        Get-BrowserProcess $orphaned | Should -BeNullOrEmpty
    }

    It 'clears the browser of a test run that was killed before it could stop it' {
        $module = Join-Path $PSScriptRoot '../Tools/TestBrowser.psm1'
        Import-Module "$PSScriptRoot/../Harness/TestHosts.psm1" -Function Get-PwshCommand
        $pwsh = @(Get-PwshCommand)
        $out = New-TemporaryFile
        $child = Start-Process $pwsh[0] -PassThru -RedirectStandardOutput $out.FullName -ArgumentList (@($pwsh | Select-Object -Skip 1) + @(
            '-NoProfile', '-NonInteractive', '-Command',
            "Import-Module '$module'; `$b = Start-TestBrowser; `$b | Select-Object DriverPid, ProfileDir | ConvertTo-Json -Compress; Wait-Event"))
        try {
            # The child prints its browser once it runs; an explicit wait on its output.
            $deadline = [DateTime]::UtcNow.AddSeconds(60)
            while (-not (Get-Content -Raw $out) -and -not $child.HasExited -and [DateTime]::UtcNow -lt $deadline) { $null = $child.WaitForExit(100) }
            $left = Get-Content -Raw $out | ConvertFrom-Json
            $left.DriverPid | Should -BeGreaterThan 0
            $child.Kill(); $child.WaitForExit()
            Get-BrowserProcess $left | Should -Not -BeNullOrEmpty -Because 'nothing stopped that browser'
            Stop-TestBrowser (Start-TestBrowser)   # starting a browser clears those of dead owners
            Get-BrowserProcess $left | Should -BeNullOrEmpty
            Test-Path (Split-Path $left.ProfileDir) | Should -BeFalse
        }
        finally {
            if (-not $child.HasExited) { $child.Kill($true) }
            Remove-Item $out
        }
    }
}
