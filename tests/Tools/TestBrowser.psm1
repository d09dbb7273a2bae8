#Requires -Version 7.4
# A real browser for Pester tests: Debian's chromium, headless, driven by Selenium.WebDriver through Debian's chromedriver.
# Only loopback is reached: chromium's flags turn most of its own traffic off, its host resolver answers nothing but
# loopback, and its net log is read at the end so a test can check that nothing went further. Linux only.
#
#   BeforeDiscovery { Import-Module "$PSScriptRoot/../Tools/TestBrowser.psm1" -Force; $script:canRunBrowser = Test-BrowserAvailable }
#   Describe 'The portal' -Skip:(-not $canRunBrowser) {
#       BeforeAll { Import-Module "$PSScriptRoot/../Tools/TestBrowser.psm1" -Force; $script:browser = Start-TestBrowser }
#       AfterAll { Stop-TestBrowser $browser }
#       It 'greets' {
#           $browser.Driver.Navigate().GoToUrl($url)
#           (Wait-TestElement $browser 'textarea').SendKeys('Ada')
#           (Wait-TestElement $browser 'button#go').Click()
#           $null = Wait-TestElement $browser '#result' -Text 'Hello, Ada!'
#           Save-TestScreenshot $browser 'greeting'      # out/test-artifacts/portal/greeting.png
#       }
#   }
Set-StrictMode -Version 3.0

$script:SeleniumVersion = '4.52.0'   # restored by tests/Tools.proj (PackageDownload)
$script:ChromeDriver = '/usr/bin/chromedriver'
# Debian's /usr/bin/chromium is a shell wrapper that adds flags of its own (remote extensions on) and execs this binary.
$script:ChromiumBinary = '/usr/lib/chromium/chromium'
$script:TokenPrefix = 'sd-browser-'   # each browser's temporary directory: sd-browser-OWNERPID-RANDOM
$script:ArtifactDir = Join-Path $PSScriptRoot '../../out/test-artifacts/portal'

function Get-WebDriverAssemblyPath {
    $nuget = if ($env:NUGET_PACKAGES) { $env:NUGET_PACKAGES } else { Join-Path $HOME '.nuget/packages' }
    Join-Path $nuget "selenium.webdriver/$script:SeleniumVersion/lib/net8.0/Selenium.WebDriver.dll"
}

# Why the browser tests cannot run here, or $null when they can.
function Get-BrowserUnavailableReason {
    if ($env:SMARTDOMAINS_TEST_NO_BROWSER -eq '1') { return 'SMARTDOMAINS_TEST_NO_BROWSER=1' }
    if (-not $IsLinux) { return 'the browser harness runs on Linux only' }
    if (-not (Test-Path $script:ChromiumBinary)) { return "no chromium ($script:ChromiumBinary; apt-get install chromium)" }
    if (-not (Test-Path $script:ChromeDriver)) { return "no chromedriver ($script:ChromeDriver; apt-get install chromium-driver)" }
    $dll = Get-WebDriverAssemblyPath
    if (-not (Test-Path $dll)) { return "no Selenium.WebDriver $script:SeleniumVersion at $dll (dotnet restore tests/Tools.proj)" }
    $null
}

<#
.SYNOPSIS
    True when chromium, chromedriver and Selenium.WebDriver are all here. Otherwise writes one line saying which is missing
    ("Skipping the browser tests: ...") and returns false. Call it in BeforeDiscovery and skip the Describe on false.
#>
function Test-BrowserAvailable {
    $reason = Get-BrowserUnavailableReason
    if ($reason) { Write-Host "Skipping the browser tests: $reason" }
    -not $reason
}

#region processes

# PIDs of live processes whose command line holds TEXT: the browser's directory is in chromedriver's (--log-path), in
# chromium's and its helpers' (--user-data-dir) and in the crash handler's (--database), detached as it is.
function Find-MarkedProcess([string] $Text) {
    foreach ($dir in [IO.Directory]::EnumerateDirectories('/proc')) {
        $name = [IO.Path]::GetFileName($dir)
        if ($name -notmatch '^\d+$' -or [int] $name -eq $PID) { continue }
        try {
            $stat = [IO.File]::ReadAllText("$dir/stat")
            if ($stat.Substring($stat.LastIndexOf(')') + 2, 1) -eq 'Z') { continue }   # exited, waiting for its parent
            $found = [IO.File]::ReadAllText("$dir/cmdline").Contains($Text)
        }
        catch { continue }   # gone meanwhile
        if ($found) { [int] $name }
    }
}

# Kills every live process carrying TEXT and waits (bounded) until none is left; returns the PIDs still alive.
function Stop-MarkedProcess([string] $Text) {
    foreach ($id in @(Find-MarkedProcess $Text)) {
        try { $p = [Diagnostics.Process]::GetProcessById($id) } catch { continue }
        try { $p.Kill(); $null = $p.WaitForExit(5000) } catch { } finally { $p.Dispose() }
    }
    @(Find-MarkedProcess $Text)
}

# Browsers whose owning pwsh died (killed, crashed) before Stop-TestBrowser: their processes and profile directories.
function Clear-StaleTestBrowser {
    $tmp = [IO.Path]::GetTempPath()
    foreach ($dir in Get-ChildItem $tmp -Directory -Filter "$script:TokenPrefix*" -ErrorAction Ignore) {
        if ($dir.Name -notmatch "^$script:TokenPrefix(\d+)-" -or (Test-Path "/proc/$($Matches[1])")) { continue }
        $null = Stop-MarkedProcess $dir.Name
        Remove-Item -Recurse -Force $dir.FullName -ErrorAction Ignore
    }
}

#endregion

# Chromium's flags beyond the headless basics: each turns off a service that would call out, or a first-run step.
function Get-ChromiumArgument([string] $ProfileDir, [string] $NetLog, [int] $Width, [int] $Height) {
    '--headless=new'
    '--no-sandbox'                      # the tests run as root, where chromium's sandbox refuses to start
    '--disable-gpu'
    '--disable-dev-shm-usage'           # containers give /dev/shm little room
    "--window-size=$Width,$Height"
    "--user-data-dir=$ProfileDir"
    "--log-net-log=$NetLog"
    '--net-log-capture-mode=Default'
    '--no-first-run'
    '--no-default-browser-check'
    '--disable-background-networking'
    '--disable-component-update'
    '--disable-sync'
    '--disable-default-apps'
    '--disable-extensions'
    '--disable-breakpad'
    '--disable-crash-reporter'
    '--disable-domain-reliability'
    '--disable-client-side-phishing-detection'
    '--no-pings'
    '--dns-prefetch-disable'
    '--metrics-recording-only'
    '--safebrowsing-disable-auto-update'
    '--disable-features=NetworkTimeServiceQuerying,OptimizationHints,Translate,MediaRouter,DialMediaRouteProvider,AutofillServerCommunication,CertificateTransparencyComponentUpdater'
    # Whatever is left cannot leave the machine: every host but loopback resolves to nothing, IP literals included.
    '--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE localhost, EXCLUDE 127.0.0.1, EXCLUDE [::1]'
}

<#
.SYNOPSIS
    Starts headless chromium under chromedriver and returns a SmartDomains.TestBrowser: Driver (the Selenium IWebDriver),
    ProfileDir, NetLog, DriverPid; after Stop-TestBrowser, from chromium's net log: Requested (the URLs it asked for) and
    Reached (addresses beyond loopback it connected or sent to: should be empty), or NetLogError.
    Always pair it with Stop-TestBrowser in AfterAll.
#>
function Start-TestBrowser {
    param([int] $Width = 1280, [int] $Height = 900)
    $reason = Get-BrowserUnavailableReason
    if ($reason) { throw "Start-TestBrowser: $reason" }
    if (-not ('OpenQA.Selenium.Chrome.ChromeDriver' -as [type])) { Add-Type -Path (Get-WebDriverAssemblyPath) }
    Clear-StaleTestBrowser

    $token = "$script:TokenPrefix$PID-$([Guid]::NewGuid().ToString('N').Substring(0, 12))"
    $dir = New-Item -ItemType Directory -Path (Join-Path ([IO.Path]::GetTempPath()) $token)
    $browser = [pscustomobject]@{
        PSTypeName  = 'SmartDomains.TestBrowser'
        Driver      = $null
        Token       = $token
        ProfileDir  = Join-Path $dir.FullName 'profile'
        NetLog      = Join-Path $dir.FullName 'netlog.json'
        DriverPid   = 0
        Requested   = $null
        Reached     = $null
        NetLogError = $null
        Stopped     = $false
    }
    # Explicit paths keep Selenium Manager (which would download drivers) out of it.
    $service = [OpenQA.Selenium.Chrome.ChromeDriverService]::CreateDefaultService((Split-Path $script:ChromeDriver), (Split-Path -Leaf $script:ChromeDriver))
    $service.SuppressInitialDiagnosticInformation = $true
    $service.HideCommandPromptWindow = $true
    $service.LogPath = Join-Path $dir.FullName 'chromedriver.log'   # also puts the token in chromedriver's command line
    $options = [OpenQA.Selenium.Chrome.ChromeOptions]::new()
    $options.BinaryLocation = $script:ChromiumBinary
    $options.AddArguments([string[]] @(Get-ChromiumArgument $browser.ProfileDir $browser.NetLog $Width $Height))
    # What a page under test could make chromium fetch: preloads and preconnects, Safe Browsing lookups, suggestions on
    # error pages (Debian's master_preferences sets the same on a first run, which the tests' profiles never have).
    $options.AddUserProfilePreference('net', @{ network_prediction_options = 2 })
    $options.AddUserProfilePreference('safebrowsing', @{ enabled = $false })
    $options.AddUserProfilePreference('alternate_error_pages', @{ enabled = $false })
    # Chromium's crash handler keeps its database under XDG_CONFIG_HOME (--crash-dumps-dir does not move it): pointed into
    # the browser's directory, it writes nothing to ~/.config and its command line carries the token too. Set only while
    # chromedriver starts, which passes its environment on to chromium.
    $saved = @{}
    foreach ($name in 'XDG_CONFIG_HOME', 'XDG_CACHE_HOME') {
        $saved[$name] = [Environment]::GetEnvironmentVariable($name)
        [Environment]::SetEnvironmentVariable($name, (Join-Path $dir.FullName ($name -replace '^XDG_|_HOME$').ToLowerInvariant()))
    }
    try {
        $browser.Driver = [OpenQA.Selenium.Chrome.ChromeDriver]::new($service, $options)
        $browser.DriverPid = $service.ProcessId
        $browser.Driver.Manage().Timeouts().PageLoad = [TimeSpan]::FromSeconds(30)
    }
    catch {
        $service.Dispose()
        Stop-TestBrowser $browser
        throw "Start-TestBrowser: chromium did not start under chromedriver: $($_.Exception.GetBaseException().Message)"
    }
    finally { foreach ($name in $saved.Keys) { [Environment]::SetEnvironmentVariable($name, $saved[$name]) } }
    $browser
}

# What chromium's own net log shows: Requested, every URL it asked for (the guard fails those beyond loopback at its host
# resolver), and Reached, each address beyond loopback that it connected to over TCP or sent UDP to. A UDP connect() alone
# sends nothing (chromium's IPv6 probe does one), so it counts only when bytes followed on that socket.
function Read-NetLog([string] $NetLog) {
    $log = Get-Content -Raw $NetLog | ConvertFrom-Json -AsHashtable
    $types = @{}
    foreach ($entry in $log.constants.logEventTypes.GetEnumerator()) { $types[[int] $entry.Value] = $entry.Key }
    $requested = [Collections.Generic.List[string]]::new()
    $reached = [Collections.Generic.List[string]]::new()
    $udpPeer = @{}   # socket source id -> the address it connected to
    foreach ($event in $log.events) {
        $params = $event['params']
        if (-not $params) { continue }
        $source = $event.source.id
        switch ($types[[int] $event.type]) {
            'URL_REQUEST_START_JOB' { if ($params['url']) { $requested.Add($params.url) } }
            'TCP_CONNECT_ATTEMPT' { if ($params['address']) { $reached.Add($params.address) } }
            'UDP_CONNECT' { if ($params['address']) { $udpPeer[$source] = $params.address } }
            'UDP_BYTES_SENT' { $reached.Add($params['address'] ?? $udpPeer[$source] ?? "UDP socket $source") }
        }
    }
    [pscustomobject]@{
        Requested = @($requested | Select-Object -Unique)
        Reached   = @($reached | Where-Object { $_ -notmatch '^(127\.\d+\.\d+\.\d+|\[::1\])(:\d+)?$' } | Select-Object -Unique)
    }
}

<#
.SYNOPSIS
    Quits the browser, then kills whatever is left of chromium and chromedriver (found by the browser's token), removes its
    profile, and sets Requested and Reached from chromium's net log. Safe on $null, twice, and on a half-started browser. Throws when a
    process survives the kill.
#>
function Stop-TestBrowser {
    param([Parameter(Position = 0, ValueFromPipeline)] $Browser)
    process {
        if (-not $Browser -or $Browser.Stopped) { return }
        $Browser.Stopped = $true
        if ($Browser.Driver) {
            try { $Browser.Driver.Quit() } catch { Write-Verbose "Quit: $($_.Exception.Message)" }
            try { $Browser.Driver.Dispose() } catch { Write-Verbose "Dispose: $($_.Exception.Message)" }
        }
        $left = Stop-MarkedProcess $Browser.Token
        try { $traffic = Read-NetLog $Browser.NetLog; $Browser.Requested = $traffic.Requested; $Browser.Reached = $traffic.Reached }
        catch { $Browser.NetLogError = "chromium's net log $($Browser.NetLog): $($_.Exception.Message)" }
        Remove-Item -Recurse -Force (Split-Path $Browser.ProfileDir) -ErrorAction Ignore
        if ($left) { throw "Stop-TestBrowser: processes $($left -join ', ') of $($Browser.Token) survived SIGKILL" }
    }
}

<#
.SYNOPSIS
    Saves what the browser shows as NAME.png under out/test-artifacts/portal (or -Directory) and returns the file.
#>
function Save-TestScreenshot {
    param(
        [Parameter(Mandatory, Position = 0)] $Browser,
        [Parameter(Mandatory, Position = 1)] [ValidatePattern('^[\w.-]+$')] [string] $Name,
        [string] $Directory = $script:ArtifactDir
    )
    $null = New-Item -ItemType Directory -Force $Directory
    $path = Join-Path (Resolve-Path $Directory) "$Name.png"
    $Browser.Driver.GetScreenshot().SaveAsFile($path)
    Get-Item $path
}

<#
.SYNOPSIS
    Waits until an element matching the CSS selector is displayed (and, with -Text, shows exactly that text, trimmed), then
    returns it. Throws after -TimeoutSec naming the selector, the page and what was last seen. An explicit wait: it polls
    the page, it does not sleep a fixed time.
#>
function Wait-TestElement {
    param(
        [Parameter(Mandatory, Position = 0)] $Browser,
        [Parameter(Mandatory, Position = 1)] [string] $Css,
        [string] $Text,
        [double] $TimeoutSec = 15
    )
    $by = [OpenQA.Selenium.By]::CssSelector($Css)
    $last = [ref] 'nothing matched'
    $hasText = $PSBoundParameters.ContainsKey('Text')
    $wait = [OpenQA.Selenium.Support.UI.WebDriverWait]::new($Browser.Driver, [TimeSpan]::FromSeconds($TimeoutSec))
    $wait.PollingInterval = [TimeSpan]::FromMilliseconds(50)
    $condition = [Func[OpenQA.Selenium.IWebDriver, OpenQA.Selenium.IWebElement]] {
        param($driver)
        foreach ($element in $driver.FindElements($by)) {
            try {
                if (-not $element.Displayed) { $last.Value = 'a hidden element'; continue }
                if (-not $hasText) { return $element }
                $shown = $element.Text.Trim()
                if ($shown -ceq $Text) { return $element }
                $last.Value = "text '$shown'"
            }
            catch [OpenQA.Selenium.StaleElementReferenceException] { $last.Value = 'an element the page replaced' }
        }
        $null
    }.GetNewClosure()
    try { $wait.Until[OpenQA.Selenium.IWebElement]($condition) }
    catch [OpenQA.Selenium.WebDriverTimeoutException] {
        $want = if ($hasText) { " with text '$Text'" } else { '' }
        throw "Wait-TestElement: no visible '$Css'$want on $($Browser.Driver.Url) within $TimeoutSec s; last seen: $($last.Value)"
    }
}

Export-ModuleMember -Function Test-BrowserAvailable, Start-TestBrowser, Stop-TestBrowser, Save-TestScreenshot, Wait-TestElement
