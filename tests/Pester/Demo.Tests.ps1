#Requires -Version 7.4
# The README demo runs in CI too, so it cannot rot.
Describe 'The demo' {
    It 'runs to the end on emulated hosts and leaves nothing behind' {
        $demo = Join-Path (Split-Path $env:SMARTDOMAINS_MODULE) 'Examples/Demo.ps1'
        # Under `dotnet pwsh` the process is dotnet itself, so start pwsh.dll through it.
        $pwsh = @([Environment]::ProcessPath)
        if ((Split-Path -Leaf $pwsh[0]) -like 'dotnet*') { $pwsh += Join-Path $PSHOME 'pwsh.dll' }
        $output = & $pwsh[0] $pwsh[1..9] -NoProfile -File $demo -ModulePath $env:SMARTDOMAINS_MODULE 2>&1 | Out-String
        $LASTEXITCODE | Should -Be 0 -Because $output
        $output | Should -Match 'Demo finished'
        $output | Should -Match 'glite-2'
        $output | Should -Match 'Started'
        $output | Should -Match 'AlreadyRunning'
        $output | Should -Match 'already running: all 6 domains are alive'
        $output | Should -Match 'geant4-1-\d{8}'
        $output | Should -Match 'identical: True'
        $output | Should -Match 'XlCommandFailed'
        Get-ChildItem ([IO.Path]::GetTempPath()) -Filter 'smartdomains-demo-*' | Should -BeNullOrEmpty
    }
}
