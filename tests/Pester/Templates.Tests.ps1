#Requires -Version 7.4
# Get-XenTemplate: the layers a pool sees (shipped, $env:SMARTDOMAINS_TEMPLATE_PATH, -Path), each value's file and line,
# the same chain New-XenPool plans with, and mistakes reported per file without hiding the other files' templates.
Describe 'Get-XenTemplate' {
    BeforeAll {
        Import-Module $env:SMARTDOMAINS_MODULE -Force
        $script:dir = Join-Path ([IO.Path]::GetTempPath()) "sd-templates-$PID"
        $script:site = New-Item -ItemType Directory -Force (Join-Path $dir 'site')
        Set-Content (Join-Path $site 'site.json') @'
{
  "templates": {
    "slc": { "extends": "base", "description": "The site's SLC: more memory.", "memory": "3G" },
    "geant4": { "extends": ["fedora", "batch-worker"], "vcpus": 4 }
  }
}
'@
        $script:savedPath = $env:SMARTDOMAINS_TEMPLATE_PATH
    }
    AfterEach { $env:SMARTDOMAINS_TEMPLATE_PATH = $savedPath }
    AfterAll { Remove-Item -Recurse -Force $dir -ErrorAction Ignore }

    It 'lists the shipped templates, each with its chain and where it is declared' {
        $env:SMARTDOMAINS_TEMPLATE_PATH = $null
        $all = @(Get-XenTemplate)
        $all.Name | Should -Be @('base', 'batch-worker', 'debian', 'fedora', 'slc', 'small-service')
        $all | ForEach-Object { $_.Source | Should -Be 'shipped' }
        $debian = $all | Where-Object Name -EQ debian
        $debian.Chain | Should -Be @('debian', 'base')
        (Get-Content $debian.File)[$debian.Line - 1] | Should -Match '"debian"\s*:'
    }

    It 'gives each final value the file and line that wrote it' {
        $env:SMARTDOMAINS_TEMPLATE_PATH = $null
        $slc = Get-XenTemplate slc
        $memory = $slc.Values | Where-Object Path -EQ memory
        $memory.Json | Should -Be '"2G"'
        (Get-Content $memory.File)[$memory.Line - 1] | Should -Match '"memory":\s*"2G"'
        $type = $slc.Values | Where-Object Path -EQ type
        (Get-Content $type.File)[$type.Line - 1] | Should -Match '"type":\s*"pv"' -Because 'slc inherits its type from base'
    }

    It 'lets a site library override a shipped template, and add its own' {
        $env:SMARTDOMAINS_TEMPLATE_PATH = $site.FullName
        $slc = Get-XenTemplate slc
        $slc.Source | Should -Be 'search path'
        ($slc.Values | Where-Object Path -EQ memory).Json | Should -Be '"3G"'
        (Get-XenTemplate geant4).Chain | Should -Be @('geant4', 'fedora', 'base', 'batch-worker')
    }

    It 'shows the chain and values a planned domain gets' {
        $env:SMARTDOMAINS_TEMPLATE_PATH = $site.FullName
        $hostObj = Connect-XenHost -Emulator -Name tpl1 -EmulatorRoot (Join-Path $dir 'emu')
        try { $pool = New-XenPool -Definition @{ name = 'tpl'; domains = @(@{ name = 'g4'; extends = 'geant4' }) } -XenHost tpl1 }
        finally { $hostObj | Disconnect-XenHost }
        $template = Get-XenTemplate geant4
        $pool.Domains[0].TemplateChain | Should -Be $template.Chain
        # A -Definition pool pipes a SourceFile that names no file: no error, the search path's templates all the same.
        $err = $null
        ($pool | Get-XenTemplate -Name geant4 -ErrorVariable err).Chain | Should -Be $template.Chain
        $err | Should -BeNullOrEmpty
        $pool.Domains[0].VCpus | Should -Be 4
        ($template.Values | Where-Object Path -EQ vcpus).Json | Should -Be '4'
        ($template.Values | Where-Object Path -EQ memory).Json | Should -Be '"8G"' -Because 'batch-worker comes last in the extends list'
    }

    It 'lists a pool file''s own templates with it, from -Path or the pipeline' {
        $file = Join-Path $dir 'glite.json'
        Set-Content $file '{ "name": "glite", "templates": { "glite-ce": { "extends": "slc", "vcpus": 2 } }, "domains": [ { "name": "ce", "extends": "glite-ce" } ] }'
        $ce = Get-XenTemplate -Path $file -Name glite-ce
        $ce.Pool | Should -Be $file
        $ce.Chain | Should -Be @('glite-ce', 'slc', 'base')
        (Get-Item $file | Get-XenTemplate -Name glite-*).Name | Should -Be 'glite-ce'
        Get-XenTemplate -Name glite-* | Should -BeNullOrEmpty -Because 'without the file its templates are not known'
    }

    It 'reports a broken file as PoolFileInvalid at its line, and still lists the other files'' templates' {
        $broken = New-Item -ItemType Directory -Force (Join-Path $dir 'broken')
        Set-Content (Join-Path $broken 'a-good.json') '{ "templates": { "web": { "extends": "debian" } } }'
        Set-Content (Join-Path $broken 'b-bad.json') "{ `"templates`": {`n  `"db`": { `"extends`": `"debain`" } } }"
        $err = $null
        $found = @(Get-XenTemplate -Path $broken -Name web -ErrorVariable err -ErrorAction SilentlyContinue)
        $found.Name | Should -Be 'web'
        $err | Should -HaveCount 1
        $err[0].FullyQualifiedErrorId | Should -BeLike 'PoolFileInvalid,*'
        $err[0].Exception.Message | Should -Match ([regex]::Escape((Join-Path $broken 'b-bad.json')) + ':2:\d+: .*debain.*did you mean ''debian''')
    }

    It 'a name that matches nothing is XenTemplateNotFound with the nearest name; a wildcard is not an error' {
        $err = $null
        Get-XenTemplate -Name fedroa -ErrorVariable err -ErrorAction SilentlyContinue | Should -BeNullOrEmpty
        $err[0].FullyQualifiedErrorId | Should -BeLike 'XenTemplateNotFound,*'
        $err[0].Exception.Message | Should -Match "did you mean 'fedora'"
        Get-XenTemplate -Name 'zz*' -ErrorVariable err -ErrorAction SilentlyContinue | Should -BeNullOrEmpty
        $err | Should -BeNullOrEmpty
    }

    It 'a -Path that does not exist is an error and lists nothing' {
        $err = $null
        Get-XenTemplate -Path (Join-Path $dir 'nosuch.json') -ErrorVariable err -ErrorAction SilentlyContinue | Should -BeNullOrEmpty
        $err[0].FullyQualifiedErrorId | Should -BeLike 'PathNotFound,*'
    }
}
