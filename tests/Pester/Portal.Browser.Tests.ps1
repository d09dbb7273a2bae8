#Requires -Version 7.4
# The portal in a real browser (Debian's chromium, headless, driven by Selenium through chromedriver), on emulated hosts:
# a shipped template, a pool written with a mistake and its error at its line, the fix, the plan picture, Start until the
# domains are alive, Save into a repository and its images listed, Sync and Stop, Clear until the hosts are empty; two tabs saving one file; no token, and paths that climb out.
# Screenshots land in out/test-artifacts/portal/.
BeforeDiscovery {
    Import-Module "$PSScriptRoot/../Tools/TestBrowser.psm1" -Force
    $script:canRunBrowser = Test-BrowserAvailable
}

Describe 'The portal in a browser' -Skip:(-not $canRunBrowser) {
    BeforeAll {
        Import-Module $env:SMARTDOMAINS_MODULE -Force
        Import-Module "$PSScriptRoot/../Tools/TestBrowser.psm1" -Force
        $script:root = Join-Path ([IO.Path]::GetTempPath()) "sd-portal-browser-$PID"
        $script:folder = Join-Path $root 'pools'
        New-Item -ItemType Directory -Force $folder | Out-Null
        Connect-XenHost -Emulator -Name pb1, pb2 -EmulatorRoot $root | Out-Null
        $script:portal = Start-XenPortal -Path $folder
        $script:browser = Start-TestBrowser
        $script:driver = $browser.Driver

        function script:Find([string] $TestId) { Wait-TestElement $browser "[data-testid='$TestId']" }
        function script:Js([string] $Script, [object[]] $Arguments = @()) { $driver.ExecuteScript($Script, $Arguments) }
        # Polls the page until the script returns something true; explicit, not a fixed sleep.
        function script:Wait-Page([string] $Script, [string] $What, [double] $TimeoutSec = 30) {
            $deadline = [DateTime]::UtcNow.AddSeconds($TimeoutSec)
            while ([DateTime]::UtcNow -lt $deadline) {
                $value = Js $Script
                if ($value) { return $value }
                Start-Sleep -Milliseconds 100
            }
            throw "The page did not get to '$What' within $TimeoutSec s; message: $(Js 'return document.querySelector(''#message'').textContent')"
        }
        # The editor's text is set through CodeMirror's own API, as a paste would: typed braces would be auto-closed.
        function script:Set-EditorText([string] $Text) { Js 'SmartDomainsEditor.replace(editor.view, arguments[0])' @($Text) | Out-Null }
        function script:Get-EditorText { Js 'return SmartDomainsEditor.text(editor.view)' }
        function script:Invoke-Run([string] $Action) {
            (Find "run-$Action").Click()
            $text = (Find 'confirm-text').Text
            (Find 'confirm-ok').Click()
            Wait-Page "return ['Completed','Failed','Stopped'].includes(document.querySelector('#run-state').dataset.state)" "the $Action run's end" 120 | Out-Null
            $text
        }
        $script:poolWithMistake = @'
{
  "name": "web",
  "domains": [
    { "name": "www", "extends": "debian", "memroy": 64, "disks": [] },
    { "name": "app", "extends": "debian", "memory": 64, "disks": [], "dependsOn": ["www"] }
  ]
}
'@
    }
    AfterAll {
        if ($browser) { Stop-TestBrowser $browser }
        Get-XenPortal -ErrorAction Ignore | Stop-XenPortal -ErrorAction Ignore
        Clear-XenHost -Force -ErrorAction Ignore | Out-Null
        Get-XenHost -NoRefresh -ErrorAction Ignore | Disconnect-XenHost
        Remove-Item -Recurse -Force $root -ErrorAction Ignore
    }

    It 'shows a shipped template with its chain and where each value comes from' {
        $driver.Navigate().GoToUrl($portal.Url.ToString())
        (Wait-TestElement $browser "[data-template='debian']").Click()
        $detail = (Find 'template-detail').Text
        $detail | Should -Match 'Extends: debian'
        $detail | Should -Match 'Templates[/\\][\w-]+\.json:\d+'
        Save-TestScreenshot $browser 'templates' | Should -Exist
    }

    It 'shows a mistake at its line with the did-you-mean, and no error once it is fixed' {
        (Find 'tab-editor').Click()
        (Find 'new-file-name').SendKeys('web.json')
        (Find 'new-file-button').Click()
        Wait-TestElement $browser "[data-testid='current-file']" -Text 'web.json' | Out-Null
        Set-EditorText $poolWithMistake
        # The new file's own skeleton had an error too: wait for the validation of the text just written.
        $shown = Wait-Page "return [...document.querySelectorAll('#error-list li')].map(l => l.textContent).find(t => t.includes('memroy'))" 'the error about memroy'
        $shown | Should -Match "^line 4, column \d+: .*did you mean 'memory'"
        Wait-Page "return document.querySelectorAll('.cm-lintRange-error, .cm-lint-marker-error').length > 0" 'the mark in the editor' | Out-Null
        Save-TestScreenshot $browser 'editor-error' | Should -Exist
        Set-EditorText ($poolWithMistake -replace 'memroy', 'memory')
        Wait-Page "return document.querySelector('#editor-status').dataset.errors === '0'" 'no errors' | Out-Null
        (Find 'save-button').Click()
        Wait-TestElement $browser "[data-testid='editor-status']" -Text 'saved' | Out-Null
        Get-Content -Raw (Join-Path $folder 'web.json') | Should -BeExactly ($poolWithMistake -replace 'memroy', 'memory')
    }

    It 'draws the plan on the connected hosts and shows each xl.cfg' {
        (Find 'tab-plan').Click()
        (Find 'plan-button').Click()
        Wait-TestElement $browser '#plan-svg svg' | Out-Null
        @($driver.FindElements([OpenQA.Selenium.By]::CssSelector('#plan-svg [id^="host-"]'))).Count | Should -Be 2
        foreach ($name in 'www', 'app') { Wait-TestElement $browser "#plan-svg #domain-$name" | Out-Null }
        (Wait-TestElement $browser "#plan-configs pre[data-domain='app']").Text | Should -Match 'name = "app"'
        Save-TestScreenshot $browser 'plan' | Should -Exist
    }

    It 'Start is confirmed with what it would do, then the domains reach alive' {
        (Find 'tab-run').Click()
        $whatIf = Invoke-Run start
        $whatIf | Should -Match 'www'
        (Find 'run-state').GetAttribute('data-state') | Should -Be 'Completed'
        (Find 'run-log').Text | Should -Match 'Alive'
        Save-TestScreenshot $browser 'run-start' | Should -Exist
        (Get-XenDomain -Name www, app).State | ForEach-Object { $_ | Should -BeIn 'Running', 'Blocked' }
    }

    It 'Save puts every domain of the pool in the repository typed, and the Images tab lists them' {
        New-Item -ItemType Directory -Force (Join-Path $folder 'saved') | Out-Null
        (Find 'run-repository').SendKeys('saved')
        $whatIf = Invoke-Run save
        $whatIf | Should -Match 'www'
        $whatIf | Should -Match 'app'
        (Find 'run-state').GetAttribute('data-state') | Should -Be 'Completed' -Because (Find 'run-log').Text
        $saved = @(Get-XenImage -Repository (Join-Path $folder 'saved'))
        $saved.Domain | Sort-Object | Should -Be @('app', 'www')
        (Find 'tab-images').Click()
        (Find 'images-repository').SendKeys('saved')
        (Find 'images-list-button').Click()
        foreach ($image in $saved) { Wait-TestElement $browser "#images-table tr[data-name='$($image.Name)']" | Out-Null }
        Save-TestScreenshot $browser 'images' | Should -Exist
        (Find 'tab-run').Click()
    }

    It 'Sync starts what the pool file says should run, and Stop shuts the pool down' {
        # The save took the domains off their hosts; Sync puts them back as the pool file describes.
        @(Get-XenDomain -Name www, app -ErrorAction SilentlyContinue) | Should -BeNullOrEmpty
        Invoke-Run sync | Should -Match 'www|app'
        (Find 'run-state').GetAttribute('data-state') | Should -Be 'Completed' -Because (Find 'run-log').Text
        (Get-XenDomain -Name www, app).State | ForEach-Object { $_ | Should -BeIn 'Running', 'Blocked' }
        Invoke-Run stop | Should -Match 'www|app'
        (Find 'run-state').GetAttribute('data-state') | Should -Be 'Completed' -Because (Find 'run-log').Text
        @(Get-XenDomain -Name www, app -ErrorAction SilentlyContinue) | Should -BeNullOrEmpty
    }

    It 'Clear leaves the hosts empty, and the Hosts view shows it' {
        Invoke-Run clear | Should -Match 'pb1|pb2'
        (Find 'run-state').GetAttribute('data-state') | Should -Be 'Completed'
        @(Get-XenDomain) | Should -BeNullOrEmpty
        (Find 'tab-hosts').Click()
        Wait-TestElement $browser "#hosts-table tr[data-name='pb2']" | Out-Null
        @($driver.FindElements([OpenQA.Selenium.By]::CssSelector('#domains-table tr[data-name]'))).Count | Should -Be 0
        Save-TestScreenshot $browser 'hosts-clear' | Should -Exist
    }

    It 'two tabs saving one file: one save is refused, both texts are shown, nothing typed is lost' {
        (Find 'tab-editor').Click()
        $first = $driver.CurrentWindowHandle
        $driver.SwitchTo().NewWindow([OpenQA.Selenium.WindowType]::Tab) | Out-Null
        $driver.Navigate().GoToUrl($portal.Url.ToString())
        (Find 'tab-editor').Click()
        (Wait-TestElement $browser "#file-list li[data-file='web.json']").Click()
        Wait-TestElement $browser "[data-testid='editor-status']" -Text 'opened' | Out-Null
        $second = $driver.CurrentWindowHandle

        $driver.SwitchTo().Window($first) | Out-Null
        Set-EditorText ((Get-EditorText) -replace '"memory": 64, "disks": \[\], "dependsOn"', '"memory": 96, "disks": [], "dependsOn"')
        (Find 'save-button').Click()
        Wait-TestElement $browser "[data-testid='editor-status']" -Text 'saved' | Out-Null

        $driver.SwitchTo().Window($second) | Out-Null
        $mine = (Get-EditorText) -replace '"name": "www"', '"name": "www2"'
        Set-EditorText $mine
        (Find 'save-button').Click()
        Find 'conflict' | Out-Null
        (Find 'conflict-mine').Text | Should -Match 'www2'
        (Find 'conflict-disk').Text | Should -Match '"memory": 96'
        Get-EditorText | Should -BeExactly $mine -Because 'the refused text stays in the editor'
        Get-Content -Raw (Join-Path $folder 'web.json') | Should -Match '"memory": 96' -Because 'the refused save wrote nothing'
        Save-TestScreenshot $browser 'save-conflict' | Should -Exist

        # A reload (or a server that went away) gives the unsaved text back from the browser's storage.
        $driver.Navigate().Refresh()
        (Find 'tab-editor').Click()
        (Wait-TestElement $browser "#file-list li[data-file='web.json']").Click()
        Wait-TestElement $browser "[data-testid='editor-status']" -Text 'restored your unsaved text' | Out-Null
        Get-EditorText | Should -BeExactly $mine
        $driver.Close()
        $driver.SwitchTo().Window($first) | Out-Null
    }

    It 'refuses a request without the token (401) and a path that climbs out of the folder (404)' {
        $base = "http://$($portal.Url.Authority)"
        (Invoke-WebRequest "$base/api/files" -SkipHttpErrorCheck).StatusCode | Should -Be 401
        $token = @{ Authorization = "Bearer $($portal.Url.Query -replace '^\?token=')" }
        foreach ($climb in '../etc/passwd', '..%2fetc%2fpasswd', '%2e%2e/%2e%2e/etc/passwd', '%252e%252e%252fetc%252fpasswd') {
            (Invoke-WebRequest "$base/api/files/$climb" -Headers $token -SkipHttpErrorCheck).StatusCode | Should -Be 404 -Because $climb
        }
        # The page itself, fetched with the token, names no address beyond the portal.
        (Invoke-WebRequest "$base/" -Headers $token).Content | Should -Not -Match 'https?://'
    }

    It 'chromium reached nothing beyond loopback' {
        Stop-TestBrowser $browser
        $browser.Reached | Should -BeNullOrEmpty
    }
}
