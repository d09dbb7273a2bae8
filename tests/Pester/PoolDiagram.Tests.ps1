#Requires -Version 7.4
# Export-XenPoolDiagram on the demo's own pool (module/Examples/Demo.ps1), planned onto three emulated hosts.
BeforeAll {
    Import-Module $env:SMARTDOMAINS_MODULE -Force
    $script:root = Join-Path ([IO.Path]::GetTempPath()) "sd-diagram-$PID"
    New-Item -ItemType Directory -Force $root | Out-Null
    $null = Connect-XenHost -Emulator -Name dom0-a, dom0-b, dom0-c -EmulatorRoot (Join-Path $root 'hosts')

    # The demo's pool file is a here-string in the shipped demo script: read it from there, so this test draws what the demo plans.
    $demo = Join-Path (Split-Path $env:SMARTDOMAINS_MODULE) 'Examples/Demo.ps1'
    $ast = [System.Management.Automation.Language.Parser]::ParseFile($demo, [ref]$null, [ref]$null)
    $json = $ast.FindAll({ param($n) $n -is [System.Management.Automation.Language.StringConstantExpressionAst] -and $n.Value -match '"name": "physics-lab"' }, $true) |
        Select-Object -First 1 -ExpandProperty Value
    $script:poolFile = Join-Path $root 'physics-lab.json'
    Set-Content -LiteralPath $poolFile -Value $json
    $script:pool = New-XenPool -Path $poolFile -Parameter @{ bridge = 'xenbr1' }

    function script:Read-Svg([string] $Path) {
        $xml = [xml](Get-Content -Raw -LiteralPath $Path)
        $ns = [System.Xml.XmlNamespaceManager]::new($xml.NameTable)
        $ns.AddNamespace('s', 'http://www.w3.org/2000/svg')
        @{ Xml = $xml; Ns = $ns }
    }
}

AfterAll {
    Disconnect-XenHost -Name dom0-a, dom0-b, dom0-c -ErrorAction Ignore
    Remove-Item -Recurse -Force $root -ErrorAction Ignore
}

Describe 'Export-XenPoolDiagram' {
    It 'plans the demo pool' {
        $pool.Name | Should -Be 'physics-lab'
        $pool.DomainCount | Should -Be 6
        @($pool.Hosts).Count | Should -Be 3
    }

    It 'writes the SVG from the pipeline and returns its FileInfo with -PassThru' {
        $path = Join-Path $root 'plan.svg'
        $file = $pool | Export-XenPoolDiagram -Path $path -PassThru
        $file | Should -BeOfType System.IO.FileInfo
        $file.FullName | Should -Be $path
        $file.Length | Should -BeGreaterThan 1000
        # Nothing but the file is left in the folder: the temporary file was moved into place.
        @(Get-ChildItem -LiteralPath $root -Force -File | Where-Object Name -like '*.tmp') | Should -BeNullOrEmpty
        $pool | Export-XenPoolDiagram -Path (Join-Path $root 'quiet.svg') | Should -BeNullOrEmpty
    }

    It 'draws every host, every domain in its host, every dependency and every start stage' {
        $svg = Read-Svg (Join-Path $root 'plan.svg')
        $svg.Xml.DocumentElement.LocalName | Should -Be 'svg'
        $hostIds = $svg.Xml.SelectNodes('//s:g[@class="host"]', $svg.Ns) | ForEach-Object id
        $hostIds | Should -Be ('dom0-a', 'dom0-b', 'dom0-c' | ForEach-Object { "host-$_" })
        foreach ($domain in $pool.Domains) {
            $node = $svg.Xml.SelectSingleNode("//s:g[@class='host'][@id='host-$($domain.Host)']//s:g[@id='domain-$($domain.Name)']", $svg.Ns)
            $node | Should -Not -BeNullOrEmpty -Because "$($domain.Name) is on $($domain.Host)"
            $stage = 1 + (0..($pool.Stages.Count - 1) | Where-Object { $pool.Stages[$_] -contains $domain.Name })
            $node.SelectSingleNode('s:g[@class="stage"]/s:text', $svg.Ns).InnerText | Should -Be "$stage"
            $node.SelectSingleNode('s:title', $svg.Ns).InnerText | Should -Match "^$([regex]::Escape($domain.Name)) on $($domain.Host): $($domain.MemoryMiB) MiB"
        }
        $svg.Xml.SelectNodes('//s:g[@class="domain"]', $svg.Ns).Count | Should -Be 6
        $arrows = $svg.Xml.SelectNodes('//s:g[@class="dependency"]', $svg.Ns) | ForEach-Object { "$($_.'data-from')->$($_.'data-to')" } | Sort-Object
        $arrows | Should -Be @('glite-1->web', 'glite-2->web')
        $svg.Xml.SelectNodes('//s:script', $svg.Ns).Count | Should -Be 0
    }

    It 'refuses to replace a file without -Force, names the file, and leaves it as it was' {
        $path = Join-Path $root 'taken.svg'
        Set-Content -LiteralPath $path -Value 'keep me'
        $err = $null
        $pool | Export-XenPoolDiagram -Path $path -ErrorVariable err -ErrorAction SilentlyContinue | Should -BeNullOrEmpty
        $err.Count | Should -Be 1
        $err[0].FullyQualifiedErrorId | Should -BeLike 'XenOutputFileExists,*'
        $err[0].CategoryInfo.Category | Should -Be 'ResourceExists'
        $err[0].Exception.Message | Should -BeLike "*$path*-Force*"
        Get-Content -Raw -LiteralPath $path | Should -Be "keep me$([Environment]::NewLine)"
    }

    It 'replaces it with -Force, with the same picture for the same plan' {
        $path = Join-Path $root 'taken.svg'
        $pool | Export-XenPoolDiagram -Path $path -Force
        Get-Content -Raw -LiteralPath $path | Should -BeExactly (Get-Content -Raw -LiteralPath (Join-Path $root 'plan.svg'))
    }

    It 'writes nothing with -WhatIf' {
        $path = Join-Path $root 'whatif.svg'
        $pool | Export-XenPoolDiagram -Path $path -WhatIf
        $path | Should -Not -Exist
    }

    It 'says which file it could not write when the folder is missing' {
        $path = Join-Path $root 'no-such-folder/plan.svg'
        $err = $null
        $pool | Export-XenPoolDiagram -Path $path -ErrorVariable err -ErrorAction SilentlyContinue
        $err[0].FullyQualifiedErrorId | Should -BeLike 'XenOutputFileWriteFailed,*'
        $err[0].Exception.Message | Should -BeLike "*$path*"
        $err[0].TargetObject | Should -Be $path
    }
}
