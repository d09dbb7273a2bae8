#Requires -Version 7.4
# Deploy: N domains over H SSH test hosts, each a disk, a config, xl create and a TCP liveness probe from dom0.
# Baselines, on the same hosts in the same run: a sequential script with one `ssh host ...` per step, and the same per host in parallel.
param([Parameter(Mandatory)] [string] $ModuleDir, [int] $Hosts = 3, [int] $PerHost = 4, [int] $CreateLatencyMs = 300)
$ErrorActionPreference = 'Stop'
Import-Module (Join-Path $ModuleDir 'SmartDomains.psd1') -Force
Import-Module "$PSScriptRoot/../tests/Harness/TestHosts.psm1" -Force
$set = Start-TestHostSet -Count $Hosts -EmulatorDir (Join-Path $ModuleDir 'emulator') -Prefix sdb -Settings @{ guest_boot_delay_ms = 200; latency_ms = @{ create = $CreateLatencyMs } }
$work = Join-Path ([IO.Path]::GetTempPath()) "sd-bench-$PID"
New-Item -ItemType Directory -Force $work | Out-Null
try {
    $known = New-TestKnownHostsFile -Hosts $set -Path (Join-Path $work 'known_hosts')
    $names = $set | ForEach-Object { (Connect-XenHost -ComputerName $_.Address -KeyFile $_.ClientKeyFile -KnownHostsFile $known).Name }
    function Reset-Hosts { foreach ($h in $set) { Invoke-TestHostShell -Host $h -Command 'for d in $(xl list | awk ''NR>2 {print $1}''); do xl destroy "$d"; done; rm -rf /var/lib/xen/images/* /etc/xen/*.cfg /var/lib/smartdomains/*' | Out-Null } }
    function Domains([string] $Prefix) {
        for ($i = 0; $i -lt $Hosts; $i++) { for ($j = 1; $j -le $PerHost; $j++) {
            [pscustomobject]@{ Name = "$Prefix-$i-$j"; Host = $set[$i]; Ip = "10.231.$($set[$i].SubnetIndex).$(100 + $j)" } } }
    }

    # SmartDomains.
    $log = Join-Path $work 'deploy.jsonl'
    $defs = Domains 'sd' | ForEach-Object { @{ name = $_.Name; extends = 'debian'; memory = 256; disks = @(@{ size = '1G' }); network = @(@{ ip = $_.Ip }); placement = @{ host = $_.Host.Address }; liveness = @{ timeout = '30s'; interval = '100ms' } } }
    $pool = New-XenPool -Definition @{ name = 'bench'; domains = $defs }
    $ours = Measure-Command { $results = $pool | Start-XenPool -LogPath $log }
    if ($results | Where-Object Status -NE 'Started') { throw 'SmartDomains did not start every domain.' }
    $commands = @(Get-Content $log | ConvertFrom-Json | Where-Object event -EQ 'command').Count
    Reset-Hosts

    # Baseline: one ssh per step, as an operator's script does.
    $ssh = { param($h, $cmd) & ssh -i $h.ClientKeyFile -o UserKnownHostsFile=$known -o StrictHostKeyChecking=yes -o BatchMode=yes "root@$($h.Address)" $cmd; if ($LASTEXITCODE) { throw "ssh failed: $cmd" } }
    $script = {
        param($d, $ssh)
        & $ssh $d.Host "mkdir -p /var/lib/xen/images && truncate -s 1G /var/lib/xen/images/$($d.Name).img"
        & $ssh $d.Host "printf 'name=\`"$($d.Name)\`"\nmemory=256\nbootloader=\`"pygrub\`"\ndisk=[\`"format=raw,vdev=xvda,access=rw,target=/var/lib/xen/images/$($d.Name).img\`"]\nvif=[\`"ip=$($d.Ip)\`"]\n' > /etc/xen/$($d.Name).cfg"
        & $ssh $d.Host "xl create -q /etc/xen/$($d.Name).cfg"
        & $ssh $d.Host "for i in `$(seq 1 300); do timeout 1 bash -c 'exec 3<>/dev/tcp/$($d.Ip)/22' 2>/dev/null && exit 0; sleep 0.1; done; exit 1"
    }
    $sequential = Measure-Command { foreach ($d in Domains 'seq') { & $script $d $ssh } }
    Reset-Hosts
    # Script blocks cannot cross into -Parallel runspaces: pass their text.
    $scriptText, $sshText = "$script", "$ssh"
    $parallel = Measure-Command {
        Domains 'par' | Group-Object { $_.Host.Name } | ForEach-Object -Parallel {
            $run, $sshBlock = [scriptblock]::Create($using:scriptText), [scriptblock]::Create($using:sshText)
            $known = $using:known
            foreach ($d in $_.Group) { & $run $d $sshBlock }
        } -ThrottleLimit $Hosts
    }
    Reset-Hosts

    $n = $Hosts * $PerHost
    $limit = $PerHost * ($CreateLatencyMs + 200) / 1000.0   # busiest host: injected create latency and guest boot, back to back
    @(
        [pscustomobject]@{ Method = 'SmartDomains Start-XenPool'; Domains = $n; Seconds = [math]::Round($ours.TotalSeconds, 2); 'vs ours' = 1.0; 'Round trips/domain' = [math]::Round($commands / $n, 1); 'SSH connections' = $Hosts }
        [pscustomobject]@{ Method = 'sequential ssh script'; Domains = $n; Seconds = [math]::Round($sequential.TotalSeconds, 2); 'vs ours' = [math]::Round($sequential.TotalSeconds / $ours.TotalSeconds, 1); 'Round trips/domain' = 4; 'SSH connections' = 4 * $n }
        [pscustomobject]@{ Method = 'ssh script, hosts in parallel'; Domains = $n; Seconds = [math]::Round($parallel.TotalSeconds, 2); 'vs ours' = [math]::Round($parallel.TotalSeconds / $ours.TotalSeconds, 1); 'Round trips/domain' = 4; 'SSH connections' = 4 * $n }
        [pscustomobject]@{ Method = 'limit (injected latency, busiest host, serial)'; Domains = $n; Seconds = [math]::Round($limit, 2); 'vs ours' = [math]::Round($limit / $ours.TotalSeconds, 2); 'Round trips/domain' = ''; 'SSH connections' = '' }
    )
}
finally {
    Get-XenHost -NoRefresh -ErrorAction Ignore | Disconnect-XenHost
    Stop-TestHostSet -Hosts $set
    Remove-Item -Recurse -Force $work -ErrorAction Ignore
}
