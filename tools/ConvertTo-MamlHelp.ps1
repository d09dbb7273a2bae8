#Requires -Version 7.4
<#
.SYNOPSIS
    Builds the module's MAML help from the markdown help source in en-US/, and checks that the help is complete.
.DESCRIPTION
    One markdown file per cmdlet (en-US/<Verb-Noun>.md) holds what a person writes: synopsis, description, parameter
    descriptions, examples, outputs, notes and related links. Everything a machine can know (parameter types, sets, mandatory,
    position, pipeline input, aliases, wildcards, defaults, output types) is read by reflection from the built module, in a child
    pwsh, so this process never loads the module's assembly (it would lock the dll and pin its types in the build session).

    The script throws, naming the cmdlet and the missing part, when an exported cmdlet has no help file, no synopsis, no
    description or no example with code, when a parameter has no description, or when the help describes a parameter or an
    output type the cmdlet does not have (stale help). Every problem is reported at once.

    Writes <ModuleDir>/en-US/<RootModule>-Help.xml and copies about_*.help.txt next to it.
.EXAMPLE
    ./tests/Tools/ConvertTo-MamlHelp.ps1 -HelpSource ./en-US -ModuleDir ./out/SmartDomains/0.1.0
#>
[CmdletBinding()]
param(
    [Parameter(Mandatory)] [string] $HelpSource,
    [Parameter(Mandatory)] [string] $ModuleDir
)

$ErrorActionPreference = 'Stop'
Set-StrictMode -Version Latest

$HelpSource = (Resolve-Path -LiteralPath $HelpSource).ProviderPath
$ModuleDir = (Resolve-Path -LiteralPath $ModuleDir).ProviderPath
$manifestPath = Get-ChildItem -LiteralPath $ModuleDir -Filter *.psd1 | Select-Object -First 1
if (-not $manifestPath) { throw "ConvertTo-MamlHelp: no module manifest (*.psd1) in '$ModuleDir'." }
$manifest = Import-PowerShellDataFile -LiteralPath $manifestPath.FullName
$moduleName = $manifestPath.BaseName
$exported = @($manifest.CmdletsToExport) + @($manifest.FunctionsToExport) | Where-Object { $_ -and $_ -ne '*' }

#region Reflection, in a child pwsh
$reflectScript = @'
param([string] $Manifest, [string] $OutFile)
$ErrorActionPreference = 'Stop'
$PSStyle.OutputRendering = 'PlainText'
$module = Import-Module -Name $Manifest -PassThru -Force
$common = [System.Management.Automation.Cmdlet]::CommonParameters + [System.Management.Automation.Cmdlet]::OptionalCommonParameters
$result = foreach ($cmd in Get-Command -Module $module.Name -CommandType Cmdlet, Function) {
    $instance = $null
    if ($cmd.CommandType -eq 'Cmdlet') { try { $instance = [Activator]::CreateInstance($cmd.ImplementingType) } catch { } }
    $parameters = foreach ($p in $cmd.Parameters.Values) {
        $default = $null
        $property = if ($instance) { $instance.GetType().GetProperty($p.Name) }
        if ($property -and $p.ParameterType -ne [System.Management.Automation.SwitchParameter]) {
            $value = $property.GetValue($instance)
            if ($null -ne $value -and -not ($value -is [array] -and $value.Count -eq 0)) { $default = [string]$value }
        }
        $sets = foreach ($a in $p.Attributes | Where-Object { $_ -is [System.Management.Automation.ParameterAttribute] }) {
            [ordered]@{
                Name = $a.ParameterSetName; Mandatory = $a.Mandatory; Position = $a.Position
                ByValue = $a.ValueFromPipeline; ByPropertyName = $a.ValueFromPipelineByPropertyName
                RemainingArguments = $a.ValueFromRemainingArguments
            }
        }
        $validateSet = $p.Attributes | Where-Object { $_ -is [System.Management.Automation.ValidateSetAttribute] } | Select-Object -First 1
        [ordered]@{
            Name = $p.Name
            Common = $common -contains $p.Name
            Type = $p.ParameterType.FullName
            TypeName = $p.ParameterType.Name
            IsSwitch = $p.SwitchParameter
            Aliases = @($p.Aliases)
            Wildcards = [bool]($p.Attributes | Where-Object { $_ -is [System.Management.Automation.SupportsWildcardsAttribute] })
            ValidValues = @(if ($validateSet) { $validateSet.ValidValues })
            Default = $default
            Sets = @($sets)
        }
    }
    [ordered]@{
        Name = $cmd.Name; Verb = $cmd.Verb; Noun = $cmd.Noun
        DefaultParameterSet = $cmd.DefaultParameterSet
        OutputTypes = @($cmd.OutputType | ForEach-Object { if ($_.Type) { $_.Type.FullName } else { $_.Name } })
        ParameterSets = @($cmd.ParameterSets | ForEach-Object { [ordered]@{ Name = $_.Name; IsDefault = $_.IsDefault; Parameters = @($_.Parameters.Name) } })
        Parameters = @($parameters)
    }
}
ConvertTo-Json -InputObject @($result) -Depth 8 | Set-Content -LiteralPath $OutFile -Encoding utf8
'@

function Get-ChildPwsh {
    # Under `dotnet pwsh` the process is dotnet itself, and pwsh.dll sits in $PSHOME.
    $exe = [Environment]::ProcessPath
    if ([IO.Path]::GetFileNameWithoutExtension($exe) -eq 'dotnet') { return $exe, (Join-Path $PSHOME 'pwsh.dll') }
    return , $exe
}

$work = Join-Path ([IO.Path]::GetTempPath()) "maml-$([guid]::NewGuid().ToString('n'))"
New-Item -ItemType Directory -Path $work | Out-Null
try {
    $scriptFile = Join-Path $work 'reflect.ps1'
    $jsonFile = Join-Path $work 'commands.json'
    Set-Content -LiteralPath $scriptFile -Value $reflectScript -Encoding utf8
    $pwsh = @(Get-ChildPwsh)
    $childArgs = @($pwsh | Select-Object -Skip 1) + @('-NoProfile', '-NonInteractive', '-File', $scriptFile, '-Manifest', $manifestPath.FullName, '-OutFile', $jsonFile)
    $childOutput = & $pwsh[0] @childArgs 2>&1
    if ($LASTEXITCODE -ne 0 -or -not (Test-Path -LiteralPath $jsonFile)) {
        throw "ConvertTo-MamlHelp: could not read the commands of $($manifestPath.FullName) in a child pwsh (exit code $LASTEXITCODE):`n$($childOutput -join "`n")"
    }
    $commands = @(Get-Content -Raw -LiteralPath $jsonFile | ConvertFrom-Json)
}
finally {
    Remove-Item -LiteralPath $work -Recurse -Force -ErrorAction Ignore
}
#endregion

#region Markdown source
$knownSections = 'SYNOPSIS', 'DESCRIPTION', 'PARAMETERS', 'EXAMPLES', 'INPUTS', 'OUTPUTS', 'NOTES', 'RELATED LINKS'

function ConvertTo-Paragraphs([string[]] $Lines) {
    # Blank lines separate paragraphs; list items and fenced code stay one paragraph per line.
    $paras = [System.Collections.Generic.List[string]]::new()
    $current = [System.Collections.Generic.List[string]]::new()
    $inFence = $false
    $fence = [System.Collections.Generic.List[string]]::new()
    $flush = { if ($current.Count) { $paras.Add((ConvertFrom-InlineMarkdown ($current -join ' '))); $current.Clear() } }
    foreach ($line in $Lines) {
        if ($line -match '^\s*```') {
            & $flush
            if ($inFence -and $fence.Count) { $paras.Add($fence -join "`n"); $fence.Clear() }
            $inFence = -not $inFence
            continue
        }
        if ($inFence) { $fence.Add($line); continue }
        if ($line -match '^\s*$') { & $flush; continue }
        if ($line -match '^\s*([-*]|\d+\.)\s+') { & $flush; $current.Add($line.Trim()); continue }
        if ($current.Count -and $current[0] -match '^([-*]|\d+\.)\s' -and $line -match '^\s{2,}\S') { $current.Add($line.Trim()); continue }
        if ($current.Count -and $current[0] -match '^([-*]|\d+\.)\s') { & $flush }
        $current.Add($line.Trim())
    }
    & $flush
    return , $paras.ToArray()
}

function ConvertFrom-InlineMarkdown([string] $Text) {
    $Text = $Text -replace '\[([^\]]+)\]\(([^)]*)\)', '$1'   # [text](link) -> text
    $Text = $Text -replace '\*\*([^*]+)\*\*', '$1'
    $Text = $Text -replace '(?<![\w`])`([^`]+)`(?![\w`])', '$1'
    return $Text
}

function Read-HelpSource([string] $Path) {
    $lines = Get-Content -LiteralPath $Path
    $doc = [ordered]@{ File = $Path; Name = $null; Sections = [ordered]@{}; Problems = [System.Collections.Generic.List[string]]::new() }
    $section = $null; $sub = $null; $inFence = $false
    foreach ($line in $lines) {
        if ($line -match '^\s*```') { $inFence = -not $inFence }
        if (-not $inFence -and $line -match '^# (\S.*?)\s*$' -and -not $doc.Name) { $doc.Name = $Matches[1]; continue }
        if (-not $inFence -and $line -match '^## (\S.*?)\s*$') {
            $section = $Matches[1].ToUpperInvariant(); $sub = $null
            if ($section -notin $knownSections) { $doc.Problems.Add("unknown section '## $($Matches[1])' (known: $($knownSections -join ', '))") }
            if ($doc.Sections.Contains($section)) { $doc.Problems.Add("section '## $section' appears twice") }
            $doc.Sections[$section] = [ordered]@{ Lines = [System.Collections.Generic.List[string]]::new(); Subs = [System.Collections.Generic.List[object]]::new() }
            continue
        }
        if (-not $inFence -and $line -match '^### (\S.*?)\s*$' -and $section) {
            $sub = [ordered]@{ Title = $Matches[1]; Lines = [System.Collections.Generic.List[string]]::new() }
            $doc.Sections[$section].Subs.Add($sub)
            continue
        }
        if (-not $section) { continue }
        if ($sub) { $sub.Lines.Add($line) } else { $doc.Sections[$section].Lines.Add($line) }
    }
    return $doc
}

function Get-SectionParagraphs($Doc, [string] $Name) {
    if (-not $Doc.Sections.Contains($Name)) { return , @() }
    $s = $Doc.Sections[$Name]
    $all = @($s.Lines)
    foreach ($sub in $s.Subs) { $all += ''; $all += $sub.Title; $all += ''; $all += $sub.Lines }
    return , (ConvertTo-Paragraphs $all)
}

function Read-Example($Sub) {
    # The first fenced block is the code; everything else (text, further blocks such as output) is the remarks.
    $code = $null; $inFence = $false; $fenceLines = $null; $remarkLines = [System.Collections.Generic.List[string]]::new()
    foreach ($line in $Sub.Lines) {
        if ($line -match '^\s*```') {
            if (-not $inFence) { $inFence = $true; $fenceLines = [System.Collections.Generic.List[string]]::new(); continue }
            $inFence = $false
            if ($null -eq $code) { $code = ($fenceLines -join "`n").Trim() }
            else { $remarkLines.Add(''); $remarkLines.Add('```'); $remarkLines.AddRange($fenceLines); $remarkLines.Add('```') }
            continue
        }
        if ($inFence) { $fenceLines.Add($line) } else { $remarkLines.Add($line) }
    }
    return [ordered]@{ Title = $Sub.Title; Code = $code; Remarks = ConvertTo-Paragraphs $remarkLines }
}
#endregion

#region Checks
$problems = [System.Collections.Generic.List[string]]::new()
$sources = @{}
foreach ($file in Get-ChildItem -LiteralPath $HelpSource -Filter *.md -File) {
    $sources[$file.BaseName] = Read-HelpSource $file.FullName
}
$byName = @{}
foreach ($c in $commands) { $byName[$c.Name] = $c }

foreach ($name in $exported) {
    if (-not $byName.ContainsKey($name)) { $problems.Add("${name}: exported by $($manifestPath.Name) but the module does not define it."); continue }
    if (-not $sources.ContainsKey($name)) { $problems.Add("${name}: no help source; create $(Join-Path $HelpSource "$name.md")."); continue }
    $cmd = $byName[$name]; $doc = $sources[$name]; $where = "$name ($([IO.Path]::GetFileName($doc.File)))"
    foreach ($p in $doc.Problems) { $problems.Add("${where}: $p.") }
    if ($doc.Name -ne $name) { $problems.Add("${where}: the title must be '# $name', not '# $($doc.Name)'.") }
    if (-not (Get-SectionParagraphs $doc 'SYNOPSIS').Count) { $problems.Add("${where}: no synopsis (## SYNOPSIS).") }
    if (-not (Get-SectionParagraphs $doc 'DESCRIPTION').Count) { $problems.Add("${where}: no description (## DESCRIPTION).") }

    $documented = @{}
    if ($doc.Sections.Contains('PARAMETERS')) {
        foreach ($sub in $doc.Sections['PARAMETERS'].Subs) {
            if ($sub.Title -notmatch '^-(\w+)$') { $problems.Add("${where}: parameter heading '### $($sub.Title)' must be '### -Name'."); continue }
            $pn = $Matches[1]
            if ($documented.ContainsKey($pn)) { $problems.Add("${where}: parameter -$pn is described twice.") }
            $documented[$pn] = ConvertTo-Paragraphs $sub.Lines
        }
    }
    $real = @($cmd.Parameters | Where-Object { -not $_.Common })
    foreach ($p in $real) {
        $match = $documented.Keys | Where-Object { $_ -eq $p.Name } | Select-Object -First 1
        if (-not $match) { $problems.Add("${where}: parameter -$($p.Name) has no description (add '### -$($p.Name)' under ## PARAMETERS).") }
        elseif ($match -cne $p.Name) { $problems.Add("${where}: parameter heading '### -$match' must be spelled '### -$($p.Name)'.") }
        elseif (-not $documented[$match].Count) { $problems.Add("${where}: parameter -$($p.Name) has an empty description.") }
    }
    $allNames = @($cmd.Parameters.Name)
    foreach ($pn in $documented.Keys) {
        if ($pn -notin $allNames) { $problems.Add("${where}: describes parameter -$pn, which $name does not have (stale help).") }
    }

    $examples = @(if ($doc.Sections.Contains('EXAMPLES')) { foreach ($sub in $doc.Sections['EXAMPLES'].Subs) { Read-Example $sub } })
    if (-not $examples.Count) { $problems.Add("${where}: no example (add '### Example 1: title' with a fenced powershell block under ## EXAMPLES).") }
    foreach ($e in $examples) {
        if (-not $e.Code) { $problems.Add("${where}: example '$($e.Title)' has no code block.") }
        if ($e.Title -notmatch '^Example \d+') { $problems.Add("${where}: example heading '### $($e.Title)' must start with 'Example N'.") }
    }

    if ($doc.Sections.Contains('OUTPUTS')) {
        $declared = @($cmd.OutputTypes)
        $named = @($doc.Sections['OUTPUTS'].Subs.Title)
        foreach ($t in $named) {
            if (-not ($declared | Where-Object { $_ -eq $t -or $_ -like "*.$t" })) { $problems.Add("${where}: ## OUTPUTS names '$t', which is not in the cmdlet's [OutputType] ($($declared -join ', ')).") }
        }
        foreach ($t in $declared) {
            if (-not ($named | Where-Object { $t -eq $_ -or $t -like "*.$_" })) { $problems.Add("${where}: ## OUTPUTS does not describe [OutputType] $t.") }
        }
    }
}
foreach ($orphan in $sources.Keys | Where-Object { $_ -notin $exported }) {
    $problems.Add("${orphan}: $orphan.md is a help source for a command the module does not export (stale help).")
}
$aboutFiles = @(Get-ChildItem -LiteralPath $HelpSource -Filter 'about_*.help.txt' -File)
if (-not ($aboutFiles | Where-Object Name -eq "about_$moduleName.help.txt")) {
    $problems.Add("${moduleName}: no about topic; create $(Join-Path $HelpSource "about_$moduleName.help.txt").")
}
if ($problems.Count) {
    # One line per problem on stderr (error views would re-wrap a long message), then a short terminating error.
    foreach ($p in $problems) { [Console]::Error.WriteLine("ConvertTo-MamlHelp: $p") }
    throw "Help is incomplete: $($problems.Count) problem$(if ($problems.Count -ne 1) { 's' }) (listed above). First: $($problems[0])"
}
#endregion

#region MAML
$ns = @{
    msh = 'http://msh'; maml = 'http://schemas.microsoft.com/maml/2004/10'
    command = 'http://schemas.microsoft.com/maml/dev/command/2004/10'; dev = 'http://schemas.microsoft.com/maml/dev/2004/10'
    MSHelp = 'http://msdn.microsoft.com/mshelp'
}
$settings = [System.Xml.XmlWriterSettings]@{ Indent = $true; Encoding = [System.Text.UTF8Encoding]::new($false) }
$outDir = Join-Path $ModuleDir 'en-US'
New-Item -ItemType Directory -Path $outDir -Force | Out-Null
$rootModule = if ($manifest.RootModule) { [IO.Path]::GetFileName($manifest.RootModule) } else { "$moduleName.psm1" }
$mamlPath = Join-Path $outDir "$rootModule-Help.xml"
$w = [System.Xml.XmlWriter]::Create($mamlPath, $settings)
try {

function Write-Paras([string] $Element, [string[]] $Paras) {
    $prefix, $local = $Element -split ':'
    $w.WriteStartElement($prefix, $local, $ns[$prefix])
    if (-not $Paras -or -not $Paras.Count) { $w.WriteElementString('maml', 'para', $ns.maml, '') }
    foreach ($p in $Paras) { $w.WriteElementString('maml', 'para', $ns.maml, $p) }
    $w.WriteEndElement()
}

function Get-SetAttribute($Param, [string] $SetName) {
    $Param.Sets | Where-Object { $_.Name -eq $SetName } | Select-Object -First 1
    if (-not ($Param.Sets | Where-Object { $_.Name -eq $SetName })) { $Param.Sets | Where-Object { $_.Name -eq '__AllParameterSets' } | Select-Object -First 1 }
}

function Write-Parameter($Param, $SetAttr, [string[]] $Description, [bool] $InSyntax) {
    $byValue = [bool]($SetAttr.ByValue); $byProp = [bool]($SetAttr.ByPropertyName)
    $pipeline = if ($byValue -and $byProp) { 'True (ByValue, ByPropertyName)' } elseif ($byValue) { 'True (ByValue)' } elseif ($byProp) { 'True (ByPropertyName)' } else { 'False' }
    $position = if ($SetAttr.Position -ge 0) { [string]$SetAttr.Position } else { 'named' }
    $w.WriteStartElement('command', 'parameter', $ns.command)
    $w.WriteAttributeString('required', ([string][bool]$SetAttr.Mandatory).ToLowerInvariant())
    $w.WriteAttributeString('variableLength', ([string]($Param.TypeName -like '*[[]]')).ToLowerInvariant())
    $w.WriteAttributeString('globbing', ([string][bool]$Param.Wildcards).ToLowerInvariant())
    $w.WriteAttributeString('pipelineInput', $pipeline)
    $w.WriteAttributeString('position', $position)
    $w.WriteAttributeString('aliases', $(if (@($Param.Aliases).Count) { $Param.Aliases -join ', ' } else { 'none' }))
    $w.WriteElementString('maml', 'name', $ns.maml, $Param.Name)
    Write-Paras 'maml:description' $Description
    $validValues = @($Param.ValidValues | Where-Object { $null -ne $_ })
    if ($validValues.Count) {
        $w.WriteStartElement('command', 'parameterValueGroup', $ns.command)
        foreach ($v in $validValues) {
            $w.WriteStartElement('command', 'parameterValue', $ns.command)
            $w.WriteAttributeString('required', 'false'); $w.WriteAttributeString('variableLength', 'false')
            $w.WriteString($v); $w.WriteEndElement()
        }
        $w.WriteEndElement()
    }
    if (-not ($InSyntax -and $Param.IsSwitch)) {
        $w.WriteStartElement('command', 'parameterValue', $ns.command)
        $w.WriteAttributeString('required', ([string](-not $Param.IsSwitch)).ToLowerInvariant())
        $w.WriteAttributeString('variableLength', 'false')
        $w.WriteString($Param.TypeName)
        $w.WriteEndElement()
    }
    $w.WriteStartElement('dev', 'type', $ns.dev)
    $w.WriteElementString('maml', 'name', $ns.maml, $Param.Type)
    $w.WriteElementString('maml', 'uri', $ns.maml, '')
    $w.WriteEndElement()
    $w.WriteElementString('dev', 'defaultValue', $ns.dev, $(if ($null -ne $Param.Default) { $Param.Default } elseif ($Param.IsSwitch) { 'False' } else { 'None' }))
    $w.WriteEndElement()
}

$standardDescriptions = @{
    WhatIf  = @('Shows what would happen if the cmdlet runs: the exact command for each host. Nothing runs.')
    Confirm = @('Prompts you for confirmation before running the cmdlet on each host.')
}

$w.WriteStartDocument()
$w.WriteStartElement('helpItems', $ns.msh)
$w.WriteAttributeString('schema', 'maml')
foreach ($name in $exported) {
    $cmd = $byName[$name]; $doc = $sources[$name]
    $paramDocs = @{}
    $paramSubs = if ($doc.Sections.Contains('PARAMETERS')) { $doc.Sections['PARAMETERS'].Subs } else { @() }
    foreach ($sub in $paramSubs) { if ($sub.Title -match '^-(\w+)$') { $paramDocs[$Matches[1]] = ConvertTo-Paragraphs $sub.Lines } }
    foreach ($k in $standardDescriptions.Keys) { if (-not $paramDocs.ContainsKey($k)) { $paramDocs[$k] = $standardDescriptions[$k] } }
    $documentedParams = @($cmd.Parameters | Where-Object { -not $_.Common -or $_.Name -in 'WhatIf', 'Confirm' })

    $w.WriteStartElement('command', 'command', $ns.command)
    $w.WriteAttributeString('xmlns', 'maml', $null, $ns.maml)
    $w.WriteAttributeString('xmlns', 'command', $null, $ns.command)
    $w.WriteAttributeString('xmlns', 'dev', $null, $ns.dev)
    $w.WriteAttributeString('xmlns', 'MSHelp', $null, $ns.MSHelp)

    $w.WriteStartElement('command', 'details', $ns.command)
    $w.WriteElementString('command', 'name', $ns.command, $cmd.Name)
    $w.WriteElementString('command', 'verb', $ns.command, $cmd.Verb)
    $w.WriteElementString('command', 'noun', $ns.command, $cmd.Noun)
    Write-Paras 'maml:description' ((Get-SectionParagraphs $doc 'SYNOPSIS') -join ' ')
    $w.WriteEndElement()

    Write-Paras 'maml:description' (Get-SectionParagraphs $doc 'DESCRIPTION')

    # Syntax: one item per parameter set, the default set first; positional parameters in order, then mandatory, then the rest.
    $w.WriteStartElement('command', 'syntax', $ns.command)
    $sets = @($cmd.ParameterSets | Sort-Object { -not $_.IsDefault })
    foreach ($set in $sets) {
        $w.WriteStartElement('command', 'syntaxItem', $ns.command)
        $w.WriteElementString('maml', 'name', $ns.maml, $cmd.Name)
        $inSet = foreach ($pn in $set.Parameters) {
            $p = $documentedParams | Where-Object Name -eq $pn | Select-Object -First 1
            if ($p) { [pscustomobject]@{ Param = $p; Attr = Get-SetAttribute $p $set.Name } }
        }
        $ordered = @($inSet | Where-Object { $_.Attr.Position -ge 0 } | Sort-Object { $_.Attr.Position }) +
            @($inSet | Where-Object { $_.Attr.Position -lt 0 -and $_.Attr.Mandatory }) +
            @($inSet | Where-Object { $_.Attr.Position -lt 0 -and -not $_.Attr.Mandatory -and $_.Param.Name -notin 'WhatIf', 'Confirm' }) +
            @($inSet | Where-Object { $_.Param.Name -in 'WhatIf', 'Confirm' })
        foreach ($entry in $ordered) { Write-Parameter $entry.Param $entry.Attr $paramDocs[$entry.Param.Name] $true }
        $w.WriteEndElement()
    }
    $w.WriteEndElement()

    # Parameters: required only if mandatory in every set; the first positional set gives the position.
    $w.WriteStartElement('command', 'parameters', $ns.command)
    foreach ($p in $documentedParams) {
        $attrs = @($p.Sets)
        $summary = [pscustomobject]@{
            Mandatory = -not ($attrs | Where-Object { -not $_.Mandatory })
            Position = ($attrs | Where-Object { $_.Position -ge 0 } | Select-Object -First 1 -ExpandProperty Position) ?? -1
            ByValue = [bool]($attrs | Where-Object ByValue); ByPropertyName = [bool]($attrs | Where-Object ByPropertyName)
        }
        Write-Parameter $p $summary $paramDocs[$p.Name] $false
    }
    $w.WriteEndElement()

    # Inputs: from ## INPUTS when written, otherwise from the parameters that take pipeline input.
    $w.WriteStartElement('command', 'inputTypes', $ns.command)
    $inputs = @(if ($doc.Sections.Contains('INPUTS') -and $doc.Sections['INPUTS'].Subs.Count) {
            foreach ($sub in $doc.Sections['INPUTS'].Subs) { [pscustomobject]@{ Type = $sub.Title; Text = ConvertTo-Paragraphs $sub.Lines } }
        }
        else {
            foreach ($p in $cmd.Parameters | Where-Object { -not $_.Common }) {
                $attrs = @($p.Sets)
                if ($attrs | Where-Object ByValue) {
                    $also = if ($attrs | Where-Object ByPropertyName) { ", or objects with a property named $((@($p.Name) + @($p.Aliases)) -join ' or ')" } else { '' }
                    [pscustomobject]@{ Type = $p.Type; Text = @("You can pipe values for -$($p.Name) to this cmdlet$also.") }
                }
                elseif ($attrs | Where-Object ByPropertyName) {
                    $names = @($p.Name) + @($p.Aliases)
                    [pscustomobject]@{ Type = 'System.Management.Automation.PSObject'; Text = @("You can pipe objects with a property named $($names -join ' or ') to bind -$($p.Name).") }
                }
            }
        })
    if (-not $inputs.Count) { $inputs = @([pscustomobject]@{ Type = 'None'; Text = @('This cmdlet does not take pipeline input.') }) }
    foreach ($i in $inputs) {
        $w.WriteStartElement('command', 'inputType', $ns.command)
        $w.WriteStartElement('dev', 'type', $ns.dev); $w.WriteElementString('maml', 'name', $ns.maml, $i.Type); $w.WriteEndElement()
        Write-Paras 'maml:description' $i.Text
        $w.WriteEndElement()
    }
    $w.WriteEndElement()

    $w.WriteStartElement('command', 'returnValues', $ns.command)
    $outputDocs = @{}
    if ($doc.Sections.Contains('OUTPUTS')) { foreach ($sub in $doc.Sections['OUTPUTS'].Subs) { $outputDocs[$sub.Title] = ConvertTo-Paragraphs $sub.Lines } }
    foreach ($t in @($cmd.OutputTypes)) {
        $text = $outputDocs.GetEnumerator() | Where-Object { $t -eq $_.Key -or $t -like "*.$($_.Key)" } | Select-Object -First 1 -ExpandProperty Value
        $w.WriteStartElement('command', 'returnValue', $ns.command)
        $w.WriteStartElement('dev', 'type', $ns.dev); $w.WriteElementString('maml', 'name', $ns.maml, $t); $w.WriteEndElement()
        Write-Paras 'maml:description' $text
        $w.WriteEndElement()
    }
    $w.WriteEndElement()

    $notes = Get-SectionParagraphs $doc 'NOTES'
    if ($notes.Count) {
        $w.WriteStartElement('maml', 'alertSet', $ns.maml)
        Write-Paras 'maml:alert' $notes
        $w.WriteEndElement()
    }

    $w.WriteStartElement('command', 'examples', $ns.command)
    foreach ($sub in $doc.Sections['EXAMPLES'].Subs) {
        $e = Read-Example $sub
        $w.WriteStartElement('command', 'example', $ns.command)
        $w.WriteElementString('maml', 'title', $ns.maml, "--------- $($e.Title) ---------")
        $w.WriteElementString('dev', 'code', $ns.dev, $e.Code)
        Write-Paras 'dev:remarks' $(if (@($e.Remarks).Count) { @($e.Remarks) + '' } else { @() })
        $w.WriteEndElement()
    }
    $w.WriteEndElement()

    # Related links: "- [text](uri)" or "- Name" list items.
    $w.WriteStartElement('maml', 'relatedLinks', $ns.maml)
    if ($doc.Sections.Contains('RELATED LINKS')) {
        foreach ($line in $doc.Sections['RELATED LINKS'].Lines) {
            if ($line -match '^\s*[-*]\s+\[([^\]]+)\]\(([^)]*)\)') { $text, $uri = $Matches[1], $Matches[2] }
            elseif ($line -match '^\s*[-*]\s+(\S.*?)\s*$') { $text, $uri = $Matches[1], '' }
            else { continue }
            $w.WriteStartElement('maml', 'navigationLink', $ns.maml)
            $w.WriteElementString('maml', 'linkText', $ns.maml, $text)
            $w.WriteElementString('maml', 'uri', $ns.maml, $uri)
            $w.WriteEndElement()
        }
    }
    $w.WriteEndElement()

    $w.WriteEndElement() # command:command
}
$w.WriteEndElement()
$w.WriteEndDocument()
}
finally {
    $w.Close()
}

# A last check that the file is well-formed MAML with one command per exported cmdlet.
$xml = [xml](Get-Content -Raw -LiteralPath $mamlPath)
$nsm = [System.Xml.XmlNamespaceManager]::new($xml.NameTable)
foreach ($k in $ns.Keys) { $nsm.AddNamespace($k, $ns[$k]) }
$written = @($xml.SelectNodes('/msh:helpItems/command:command/command:details/command:name', $nsm) | ForEach-Object InnerText)
if (Compare-Object $written $exported) { throw "ConvertTo-MamlHelp: $mamlPath holds commands [$($written -join ', ')], expected [$($exported -join ', ')]." }

foreach ($about in $aboutFiles) { Copy-Item -LiteralPath $about.FullName -Destination $outDir -Force }
Write-Verbose "Wrote $mamlPath ($($written.Count) commands) and $($aboutFiles.Count) about topics."
#endregion
