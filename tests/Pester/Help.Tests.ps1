#Requires -Version 7.4
# Every exported cmdlet has real help (built into MAML from en-US/*.md by tools/ConvertTo-MamlHelp.ps1),
# every output type has a table view, and the about topics load.

BeforeDiscovery {
    $manifestPath = if ($env:SMARTDOMAINS_MODULE) { $env:SMARTDOMAINS_MODULE } else { throw 'Set $env:SMARTDOMAINS_MODULE to the built SmartDomains.psd1.' }
    $script:commandNames = @((Import-PowerShellDataFile -LiteralPath $manifestPath).CmdletsToExport)
}

BeforeAll {
    Import-Module -Name $env:SMARTDOMAINS_MODULE -Force
    $script:common = [System.Management.Automation.Cmdlet]::CommonParameters + [System.Management.Automation.Cmdlet]::OptionalCommonParameters
}

Describe 'Module help' {
    It 'exports at least one cmdlet' {
        $commandNames | Should -Not -BeNullOrEmpty
    }

    It 'ships the MAML file next to the module' {
        $dir = Split-Path -Parent (Get-Module SmartDomains).Path
        Join-Path $dir 'en-US/SmartDomains.Commands.dll-Help.xml' | Should -Exist
    }

    It 'Get-Help about_SmartDomains shows the concept tour' {
        $text = Get-Help about_SmartDomains | Out-String
        $text | Should -Match 'about_SmartDomains'
        $text | Should -Match 'XenHostKeyMismatch'
    }

    It 'Get-Help about_SmartDomains_PoolFiles shows the pool file topic' {
        $text = Get-Help about_SmartDomains_PoolFiles | Out-String
        $text | Should -Match 'about_SmartDomains_PoolFiles'
        $text | Should -Match 'dependsOn'
    }

    It 'Get-Help about_SmartDomains_Schedules explains windows, holds, budgets and the pass' {
        $text = Get-Help about_SmartDomains_Schedules | Out-String
        $text | Should -Match 'about_SmartDomains_Schedules'
        $text | Should -Match 'crosses midnight'
        $text | Should -Match 'HOLDS'
        $text | Should -Match 'AN OVERNIGHT EXAMPLE'
    }

    It 'Get-Help about_SmartDomains_Transports explains both transports, the master connection and the error ids' {
        $text = Get-Help about_SmartDomains_Transports | Out-String
        $text | Should -Match 'ControlMaster'
        $text | Should -Match 'BatchMode=yes'
        $text | Should -Match 'XenSshConfigInvalid'
        $text | Should -Match 'ProxyJump'
    }

    It 'Get-Help about_SmartDomains_Emulator shows the emulator topic' {
        $text = Get-Help about_SmartDomains_Emulator | Out-String
        $text | Should -Match 'XL_EMULATOR_DIR'
        $text | Should -Match 'Connect-XenHost -Emulator'
        $text | Should -Match 'guest_ports'
    }
}

Describe 'Help for <_>' -ForEach $commandNames {
    BeforeAll {
        $name = $_
        $command = Get-Command -Name $name -Module SmartDomains
        $help = Get-Help -Name $name -Full
        $parameters = @($command.Parameters.Values | Where-Object { $_.Name -notin $common })
        $helpParameters = @($help.parameters.parameter)
    }

    It 'is exported by the module' {
        $command | Should -Not -BeNullOrEmpty
    }

    It 'comes from MAML, not from the generated stub' {
        # Without a help file, Get-Help makes up a help object whose synopsis is the syntax line.
        $help.Synopsis | Should -Not -BeNullOrEmpty
        $help.Synopsis.Trim() | Should -Not -BeLike "$name *"
        $help.Synopsis | Should -Not -Match '\[<CommonParameters>\]'
        $help.ModuleName | Should -Be 'SmartDomains'
    }

    It 'has a description' {
        ($help.description.Text -join "`n").Trim() | Should -Not -BeNullOrEmpty
    }

    It 'describes every parameter' {
        $missing = foreach ($p in $parameters) {
            $entry = $helpParameters | Where-Object Name -eq $p.Name
            if (-not $entry -or -not ($entry.description.Text -join '').Trim()) { $p.Name }
        }
        $missing | Should -BeNullOrEmpty -Because "every parameter of $name needs a description"
    }

    It 'describes no parameter the cmdlet lacks' {
        $stale = $helpParameters.Name | Where-Object { $_ -and $_ -notin $command.Parameters.Keys }
        $stale | Should -BeNullOrEmpty
    }

    It 'gives each parameter the type, position and pipeline input of the code' {
        foreach ($p in $parameters) {
            $entry = $helpParameters | Where-Object Name -eq $p.Name
            $entry.type.name | Should -Be $p.ParameterType.FullName -Because "-$($p.Name) of $name"
            $byValue = [bool]($p.Attributes | Where-Object { $_ -is [System.Management.Automation.ParameterAttribute] -and $_.ValueFromPipeline })
            ($entry.pipelineInput -like '*ByValue*') | Should -Be $byValue -Because "-$($p.Name) of $name"
        }
    }

    It 'has one syntax entry per parameter set' {
        @($help.syntax.syntaxItem).Count | Should -Be @($command.ParameterSets).Count
    }

    It 'has at least two examples with code' {
        $examples = @($help.examples.example)
        $examples.Count | Should -BeGreaterOrEqual 2
        foreach ($e in $examples) {
            $e.code | Should -Not -BeNullOrEmpty -Because "example '$($e.title)' of $name"
            $e.code | Should -Match ([regex]::Escape($name.Split('-')[0]) + '|' + [regex]::Escape($name))
        }
    }

    It 'documents the output types of [OutputType]' {
        $declared = @($command.OutputType.Name)
        $documented = @($help.returnValues.returnValue.type.name)
        foreach ($t in $declared) { $documented | Should -Contain $t }
    }

    It 'has a table view for every output type' {
        # Primitives such as [bool] (Test-* cmdlets) print as themselves; only the module's own types need views.
        foreach ($type in $command.OutputType | Where-Object { $_.Type -and -not $_.Type.IsPrimitive -and $_.Type -ne [string] }) {
            $format = Get-FormatData -TypeName $type.Name
            $format | Should -Not -BeNullOrEmpty -Because "$($type.Name) (output of $name) needs a view"
            @($format.FormatViewDefinition.Control | Where-Object { $_ -is [System.Management.Automation.TableControl] }) |
                Should -Not -BeNullOrEmpty -Because "$($type.Name) needs a table view"
        }
    }
}
