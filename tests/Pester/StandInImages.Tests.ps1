#Requires -Version 7.4
# A fresh emulated host serves the shipped templates: a pool that extends debian starts with no image repository given.
Describe 'Stand-in base images on emulated hosts' {
    BeforeAll {
        Import-Module $env:SMARTDOMAINS_MODULE -Force
        $script:root = Join-Path ([IO.Path]::GetTempPath()) "sd-standin-$PID"
        # No repository from the session or the environment: only the emulated host's own.
        $script:saved = $env:SMARTDOMAINS_IMAGE_REPOSITORY
        $env:SMARTDOMAINS_IMAGE_REPOSITORY = $null
        Remove-Variable -Name SmartDomainsImageRepository -Scope Global -ErrorAction Ignore
        $script:hosts = Connect-XenHost -Emulator -Name fresh1, fresh2 -EmulatorRoot $root
    }
    AfterAll {
        Get-XenDomain -ErrorAction Ignore | ForEach-Object { Invoke-XenCommand -Host $_.Host destroy $_.Name } | Out-Null
        Get-XenHost -NoRefresh -ErrorAction Ignore | Disconnect-XenHost
        $env:SMARTDOMAINS_IMAGE_REPOSITORY = $saved
        Remove-Item -Recurse -Force $root -ErrorAction Ignore
    }

    It 'New-XenPool | Start-XenPool of a pool that extends debian, with no image parameter, starts live domains' {
        Test-Path (Join-Path $root 'base-images') | Should -BeFalse
        $pool = New-XenPool -Definition @{
            name = 'site'
            domains = @(@{ name = 'site-web'; extends = 'debian'; memory = '256M' }, @{ name = 'site-db'; extends = 'debian'; memory = '256M' })
        }
        $results = $pool | Start-XenPool -ErrorVariable failed
        $failed | Should -BeNullOrEmpty
        $results.Status | Sort-Object -Unique | Should -Be 'Started'
        (Get-XenDomain -Name 'site-*').State | ForEach-Object { $_ | Should -BeIn 'Running', 'Blocked' }
        # No vif ip=, so alive means alive by xl's state, as Start-XenPool checked it.
        $results.Alive | Should -Be @($true, $true)
        (Get-ChildItem (Join-Path $root 'base-images') -Filter *.img).Name | Should -Be @('debian-12.img', 'fedora-40.img', 'slc-6.img')
        Get-XenPool -Name site | Remove-XenPool -Force | Out-Null
    }
}
