#Requires -Version 7.4
<#
.SYNOPSIS
    Generates malformed pool files by mutating the valid ones, deterministically, and keeps only the mutants the loader rejects.
.DESCRIPTION
    Reads tests/Corpus/valid/*.json and applies random mutations from a fixed seed: delete a required key, rename a key with a
    one-letter typo, give a value the wrong type, corrupt a size, put a bad value into an enum, duration, MAC or IP, truncate
    the file, or insert a stray character. Each mutant is written to tests/Corpus/malformed/generated-NNN.json (with a first
    comment line saying how it was made) and loaded with New-XenPool against three emulated hosts (emu1, emu2, emu3, 16 GiB
    each, in a temporary emulator root, the same names the Pester test uses).

    A mutant is kept when New-XenPool rejects it with PoolFileInvalid and every error carries a file, a line > 0 and a column > 0.
    A mutant that still loads (a typo inside a description, a stray space) is dropped. A mutant that fails some other way (a
    crash, an error without a position, a placement failure) is reported as a warning and dropped: that is a loader bug, or not
    a file error; tests/Corpus/known-bugs holds hand-written examples of the bugs found so far.

    The same seed, valid files and loader always give the same files. Rerun after changing the valid files or the loader, and
    commit the result.
.EXAMPLE
    dotnet pwsh -NoProfile ./tests/Corpus/New-MalformedCorpus.ps1
.EXAMPLE
    dotnet pwsh -NoProfile ./tests/Corpus/New-MalformedCorpus.ps1 -PerKind 40 -Seed 7
#>
[CmdletBinding()]
param(
    # The module manifest to load; by default the build output.
    [string] $ModulePath = $(if ($env:SMARTDOMAINS_MODULE) { $env:SMARTDOMAINS_MODULE } else { Join-Path $PSScriptRoot '../../out/SmartDomains/0.1.0/SmartDomains.psd1' }),
    [int] $Seed = 20240611,
    # How many kept mutants to make of each kind.
    [int] $PerKind = 26
)

$ErrorActionPreference = 'Stop'
Set-StrictMode -Version Latest

$validDir = Join-Path $PSScriptRoot 'valid'
$outDir = Join-Path $PSScriptRoot 'malformed'
Import-Module $ModulePath -Force
$emulatorRoot = Join-Path ([IO.Path]::GetTempPath()) "sd-corpus-$PID"
$null = Connect-XenHost -Emulator -Name emu1, emu2, emu3 -EmulatorRoot $emulatorRoot

$rng = [System.Random]::new($Seed)
function Get-Random1([int] $Max) { $rng.Next($Max) }
# The comma keeps a JProperty whole: function output would otherwise be unrolled.
function Get-Pick($Items) { , $Items[$rng.Next($Items.Count)] }

$loadSettings = [Newtonsoft.Json.Linq.JsonLoadSettings]::new()
$loadSettings.CommentHandling = [Newtonsoft.Json.Linq.CommentHandling]::Ignore
$loadSettings.LineInfoHandling = [Newtonsoft.Json.Linq.LineInfoHandling]::Ignore

# The valid files, read once. Includes are rewritten so they resolve from malformed/ as they did from valid/.
$sources = foreach ($file in Get-ChildItem $validDir -Filter *.json -File | Sort-Object { $_.Name } -Culture ([cultureinfo]::InvariantCulture)) {
    $text = (Get-Content -Raw $file.FullName) -replace '"lib/', '"../valid/lib/'
    [pscustomobject]@{ Name = $file.Name; Text = $text }
}

# Every property of the document that passes the filter. JProperty is enumerable, so no pipelines: PowerShell would unroll it.
function Get-Properties([Newtonsoft.Json.Linq.JToken] $Root, [scriptblock] $Filter = { $true }) {
    $list = [System.Collections.Generic.List[Newtonsoft.Json.Linq.JProperty]]::new()
    foreach ($t in $Root.Descendants()) {
        if ($t -is [Newtonsoft.Json.Linq.JProperty] -and (& $Filter $t)) { $list.Add($t) }
    }
    , $list
}

function ConvertTo-Text([Newtonsoft.Json.Linq.JToken] $Root) { $Root.ToString([Newtonsoft.Json.Formatting]::Indented) }

# A one-letter typo: substitute, delete, insert or swap.
function Get-Typo([string] $Word) {
    $letters = 'abcdefghijklmnopqrstuvwxyz'
    $i = Get-Random1 $Word.Length
    switch (Get-Random1 4) {
        0 { $Word.Substring(0, $i) + $letters[(Get-Random1 26)] + $Word.Substring($i + 1) }
        1 { if ($Word.Length -gt 1) { $Word.Remove($i, 1) } else { $Word + 'x' } }
        2 { $Word.Insert($i, [string]$letters[(Get-Random1 26)]) }
        3 { if ($i -lt $Word.Length - 1) { $Word.Substring(0, $i) + $Word[$i + 1] + $Word[$i] + $Word.Substring($i + 2) } else { $Word + $Word[-1] } }
    }
}

# Each mutation takes the source text and returns @{ Text; What } or $null when it found nothing to mutate.
$mutations = [ordered]@{
    'delete-required-key' = {
        param($text)
        $root = [Newtonsoft.Json.Linq.JToken]::Parse($text, $loadSettings)
        $required = 'name', 'domains', 'memory', 'extends', 'size', 'from', 'kernel', 'bootloader', 'volumeGroup', 'include', 'templates', 'parameters'
        $candidates = Get-Properties $root { param($p) $required -ccontains $p.Name }
        if ($candidates.Count -eq 0) { return $null }
        $p = Get-Pick $candidates
        $path = $p.Path
        $p.Remove()
        @{ Text = ConvertTo-Text $root; What = "deleted $path" }
    }
    'typo-in-key' = {
        param($text)
        $root = [Newtonsoft.Json.Linq.JToken]::Parse($text, $loadSettings)
        # Not template or parameter names: those are the user's to choose.
        $props = Get-Properties $root { param($p) $p.Parent.Parent -isnot [Newtonsoft.Json.Linq.JProperty] -or $p.Parent.Parent.Name -notin 'templates', 'parameters' }
        if ($props.Count -eq 0) { return $null }
        $p = Get-Pick $props
        $typo = Get-Typo $p.Name
        if ($typo -ceq $p.Name -or $p.Parent.ContainsKey($typo)) { return $null }
        $path = $p.Path
        $p.Replace([Newtonsoft.Json.Linq.JProperty]::new($typo, $p.Value))
        @{ Text = ConvertTo-Text $root; What = "renamed $path to '$typo'" }
    }
    'wrong-type' = {
        param($text)
        $root = [Newtonsoft.Json.Linq.JToken]::Parse($text, $loadSettings)
        $p = Get-Pick (Get-Properties $root)
        $replacements = '42', '"text"', 'true', 'null', '[]', '{}', '1.5', '[ "a", "b" ]', '{ "x": 1 }', '-7'
        $new = [Newtonsoft.Json.Linq.JToken]::Parse((Get-Pick $replacements))
        if ($new.Type -eq $p.Value.Type) { return $null }
        $path = $p.Path
        $p.Value = $new
        @{ Text = ConvertTo-Text $root; What = "set $path to $($new.ToString([Newtonsoft.Json.Formatting]::None))" }
    }
    'corrupt-size' = {
        param($text)
        $root = [Newtonsoft.Json.Linq.JToken]::Parse($text, $loadSettings)
        $sizes = Get-Properties $root { param($p) $p.Name -in 'memory', 'maxmem', 'size' }
        if ($sizes.Count -eq 0) { return $null }
        $p = Get-Pick $sizes
        $bad = '"8GG"', '"-1G"', '"0"', '"0M"', '"eight"', '"8 G B"', '"G8"', '"1.5.2G"', '""', '"16Q"', '0', '-512', '"4T"', '"64G"',
               '"1e3M"', '"12,5G"', '"2 GiB please"', '"0x400"', '"-0.5G"', '"999999T"'
        $value = Get-Pick $bad
        $path = $p.Path
        $p.Value = [Newtonsoft.Json.Linq.JToken]::Parse($value)
        @{ Text = ConvertTo-Text $root; What = "set size $path to $value" }
    }
    'bad-value' = {
        param($text)
        $root = [Newtonsoft.Json.Linq.JToken]::Parse($text, $loadSettings)
        $bad = @{
            type = 'kvm', 'PV', 'xen'; format = 'vmdk', 'qcow'; backend = 'nfs', 'zfs'; filesystem = 'xfs', 'btrfs'
            access = 'readonly', 'w'; policy = 'balanced', 'random'; onCrash = 'reboot', 'halt'; onPoweroff = 'stop'
            onReboot = 'reset'; timeout = '2 minutes', '0s', '10'; interval = 'often', '-1s'; mac = '00:16:3e:zz:00:01', '00-16-3e-00-00-01'
            ip = '10.0.0.300', 'db.example.org'; kernel = 'vmlinuz', '/boot/vmlinuz;reboot'; ramdisk = 'initrd.img'
            name = 'web server', '$(reboot)', 'Domain-0', '-x', '1234'; port = 0, 70000; retries = -1, 5000; vcpus = 0, 1024
            count = 0, 2000; extends = 'debain', 'no-such-template'; dependsOn = 'nobody'; bridge = '${nobridge}'
        }
        $props = Get-Properties $root { param($p) $bad.ContainsKey($p.Name) -and $p.Value -is [Newtonsoft.Json.Linq.JValue] }
        if ($props.Count -eq 0) { return $null }
        $p = Get-Pick $props
        $value = Get-Pick @($bad[$p.Name])
        $path = $p.Path
        $p.Value = [Newtonsoft.Json.Linq.JValue]::new($value)
        @{ Text = ConvertTo-Text $root; What = "set $path to '$value'" }
    }
    'truncate' = {
        param($text)
        $at = 1 + (Get-Random1 ($text.TrimEnd().Length - 2))
        @{ Text = $text.Substring(0, $at); What = "truncated after $at characters" }
    }
    'stray-character' = {
        param($text)
        $at = Get-Random1 $text.Length
        $c = Get-Pick @('{', '}', '[', ']', ',', ':', '"', '#', 'x', '@', '\', '/', ';', '=', "'")
        @{ Text = $text.Insert($at, $c); What = "inserted '$c' at offset $at" }
    }
}

function Test-Rejected([string] $Path) {
    $err = $null
    try { $out = New-XenPool -Path $Path -ErrorVariable err -ErrorAction SilentlyContinue }
    catch { return "crash: $($_.Exception.GetType().Name): $($_.Exception.Message)" }
    if ($out) { return 'valid' }
    if (-not $err) { return 'valid' }
    foreach ($e in $err) {
        if ($e.FullyQualifiedErrorId -notlike 'PoolFileInvalid*') { return "other error: $($e.FullyQualifiedErrorId)" }
        foreach ($x in $e.Exception.Errors) {
            if ($x.Line -le 0 -or $x.Column -le 0 -or -not $x.File) { return "no position: $x" }
        }
    }
    'rejected'
}

Get-ChildItem $outDir -Filter 'generated-*.json' -File | Remove-Item
$seen = [System.Collections.Generic.HashSet[string]]::new()
$number = 0
$summary = [ordered]@{}
try {
    foreach ($kind in $mutations.Keys) {
        $kept = 0
        $attempts = 0
        while ($kept -lt $PerKind -and $attempts -lt $PerKind * 20) {
            $attempts++
            $source = Get-Pick $sources
            $mutant = & $mutations[$kind] $source.Text
            if (-not $mutant -or -not $seen.Add($mutant.Text)) { continue }
            $file = Join-Path $outDir ('generated-{0:000}.json' -f ($number + 1))
            $header = "// generated by New-MalformedCorpus.ps1 (seed $Seed): ${kind} of valid/$($source.Name): $($mutant.What)"
            [IO.File]::WriteAllText($file, $header + "`n" + $mutant.Text)
            $verdict = Test-Rejected $file
            if ($verdict -eq 'rejected') { $number++; $kept++; continue }
            Remove-Item $file
            if ($verdict -ne 'valid') { Write-Warning "${kind} of $($source.Name) ($($mutant.What)) is not a clean PoolFileInvalid: $verdict" }
        }
        $summary[$kind] = $kept
    }
}
finally {
    Disconnect-XenHost -Name emu1, emu2, emu3 -ErrorAction Ignore
    Remove-Item -Recurse -Force $emulatorRoot -ErrorAction Ignore
}
$summary.GetEnumerator() | ForEach-Object { '{0,-20} {1}' -f $_.Key, $_.Value }
"$number generated files in $outDir"
