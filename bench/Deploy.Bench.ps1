#Requires -Version 7.4
# Deploy: N domains over H SSH test hosts. Each domain is a qcow2 clone of a base image, an xl.cfg, xl create and a TCP
# liveness probe from dom0. Baselines, on the same hosts in the same run: (a) a sequential script with one `ssh host ...` per
# step, (b) the same script with the hosts in parallel (ForEach-Object -Parallel, one worker per host, as xargs -P would),
# (c) an Ansible playbook (forks = hosts) doing the same steps. The base image reaches each host once in every method.
# SmartDomains runs over both transports: SSH.NET (the default) and OpenSSH (the system's ssh, one ControlMaster per host,
# a client process per command); -SkipOpenSsh leaves the OpenSSH row out.
# SSH connections and exec round trips are counted from sshd's own log (LogLevel VERBOSE), the same way for every method.
param(
    [Parameter(Mandatory)] [string] $ModuleDir,
    [int] $Hosts = 8, [int] $PerHost = 8,
    [int] $CreateLatencyMs = 1000, [int] $BootDelayMs = 1000,
    [int] $BaseMiB = 64, [int] $BaseDataMiB = 8,
    [int] $Runs = 1,
    [switch] $SkipAnsible, [switch] $SkipSequential, [switch] $SkipOpenSsh
)
$ErrorActionPreference = 'Stop'
Import-Module (Join-Path $ModuleDir 'SmartDomains.psd1') -Force
Import-Module "$PSScriptRoot/../tests/Harness/TestHosts.psm1" -Force
Import-Module "$PSScriptRoot/BenchCommon.psm1" -Force

$work = Join-Path ([IO.Path]::GetTempPath()) "sd-bench-deploy-$PID"
New-Item -ItemType Directory -Force $work | Out-Null
$set = @()
try {
    if (-not $SkipAnsible -and -not (Get-Command ansible-playbook -ErrorAction Ignore)) {
        Write-Host 'Installing Debian''s ansible package (apt-get) for the Ansible baseline...'
        & apt-get install -y -qq ansible *> (Join-Path $work 'apt.log')
        if ($LASTEXITCODE) { & apt-get update -qq *> $null; & apt-get install -y -qq ansible *> (Join-Path $work 'apt.log') }
        if (-not (Get-Command ansible-playbook -ErrorAction Ignore)) { Write-Warning 'ansible could not be installed: its row is left out.'; $SkipAnsible = $true }
    }

    $startWatch = [Diagnostics.Stopwatch]::StartNew()
    $set = @(Start-TestHostSet -Count $Hosts -EmulatorDir (Join-Path $ModuleDir 'emulator') -Prefix bdp -Settings @{
            guest_boot_delay_ms = $BootDelayMs; latency_ms = @{ create = $CreateLatencyMs; shutdown = 1000; save = 1000 } })
    $hostStart = $startWatch.Elapsed.TotalSeconds
    Enable-SshdCounting $set
    $known = New-TestKnownHostsFile -Hosts $set -Path (Join-Path $work 'known_hosts')
    $ctl = (New-Item -ItemType Directory -Force (Join-Path $work 'ctl')).FullName   # the OpenSSH transport's control directories

    # The base image: BaseMiB sparse, BaseDataMiB of random data spread over it, in a local image repository.
    $repo = New-Item -ItemType Directory -Force (Join-Path $work 'repo')
    $base = Join-Path $repo 'base.img'
    & sh -c "truncate -s ${BaseMiB}M '$base' && for i in `$(seq 0 $($BaseDataMiB - 1)); do dd if=/dev/urandom of='$base' bs=1M count=1 seek=`$((i * $BaseMiB / $BaseDataMiB)) conv=notrunc status=none; done"

    function Get-Domains([string] $Prefix) {
        for ($i = 0; $i -lt $Hosts; $i++) { for ($j = 1; $j -le $PerHost; $j++) {
                [pscustomobject]@{ Name = "$Prefix-$i-$j"; Host = $set[$i]; HostIndex = $i; Ip = "10.231.$($set[$i].SubnetIndex).$(100 + $j)" } } }
    }
    $n = $Hosts * $PerHost
    $results = [ordered]@{}
    function Add-Result([string] $Method, [double] $Seconds, $Counts, [string] $Extra = '') {
        if (-not $results.Contains($Method)) { $results[$Method] = [Collections.Generic.List[object]]::new() }
        $results[$Method].Add([pscustomobject]@{ Seconds = $Seconds; Counts = $Counts; Extra = $Extra })
    }

    # (a)/(b): one ssh per step, as an operator's script does. The base image goes to each host once with scp.
    $sshText = {
        param($h, $known, $cmd)
        & ssh -i $h.ClientKeyFile -o "UserKnownHostsFile=$known" -o StrictHostKeyChecking=yes -o BatchMode=yes "root@$($h.Address)" $cmd
        if ($LASTEXITCODE) { throw "ssh $($h.Address) failed: $cmd" }
    }.ToString()
    $hostText = {
        param($h, $known, $base, $ssh)
        & $ssh $h $known 'mkdir -p /var/lib/xen/images'
        & scp -q -i $h.ClientKeyFile -o "UserKnownHostsFile=$known" -o StrictHostKeyChecking=yes -o BatchMode=yes $base "root@$($h.Address):/var/lib/xen/images/base.img"
        if ($LASTEXITCODE) { throw "scp to $($h.Address) failed" }
    }.ToString()
    $domainText = {
        param($d, $known, $ssh)
        $img = "/var/lib/xen/images/$($d.Name).qcow2"
        & $ssh $d.Host $known "qemu-img create -q -f qcow2 -F raw -b /var/lib/xen/images/base.img $img"
        & $ssh $d.Host $known "printf 'name=\`"$($d.Name)\`"\ntype=\`"pv\`"\nmemory=256\nbootloader=\`"pygrub\`"\ndisk=[\`"format=qcow2,vdev=xvda,access=rw,target=$img\`"]\nvif=[\`"ip=$($d.Ip)\`"]\n' > /etc/xen/$($d.Name).cfg"
        & $ssh $d.Host $known "xl create -q /etc/xen/$($d.Name).cfg"
        & $ssh $d.Host $known "for i in `$(seq 1 600); do timeout 1 bash -c 'exec 3<>/dev/tcp/$($d.Ip)/22' 2>/dev/null && exit 0; sleep 0.1; done; exit 1"
    }.ToString()

    function Invoke-Ours([int] $Throttle = 0, [ValidateSet('SshNet', 'OpenSSH')] [string] $Transport = 'SshNet') {
        $label = if ($Throttle) { "SmartDomains Start-XenPool -ThrottleLimit $Throttle" } else { 'SmartDomains Start-XenPool' }
        if ($Transport -eq 'OpenSSH') { $label += ' over OpenSSH' }
        $throttleArg = if ($Throttle) { @{ ThrottleLimit = $Throttle } } else { @{} }
        $log = Join-Path $work "ours-$([guid]::NewGuid().ToString('n')).jsonl"
        $before = Get-SshdCounts $set
        $connect = Measure-Command { Use-BenchTempDir $ctl { $null = $set | ForEach-Object { Connect-XenHost -ComputerName $_.Address -KeyFile $_.ClientKeyFile -KnownHostsFile $known -Transport $Transport } } }
        $defs = Get-Domains 'sd' | ForEach-Object { @{ name = $_.Name; extends = 'debian'; memory = 256; disks = @(@{ from = 'base' }); network = @(@{ ip = $_.Ip }); placement = @{ host = $_.Host.Address }; liveness = @{ timeout = '60s'; interval = '100ms' } } }
        $pool = New-XenPool -Definition @{ name = 'bench'; domains = $defs }
        $t = Measure-Command { $r = $pool | Start-XenPool -LogPath $log -ImageRepository $repo @throttleArg }
        $bad = @($r | Where-Object Status -NE 'Started')
        if ($bad) { throw "SmartDomains did not start $($bad.Count) domains: $($bad[0].Domain) $($bad[0].Status) $($bad[0].Reason)" }
        $methods = ($r.Storage | Group-Object Method | ForEach-Object { "$($_.Name) x$($_.Count)" }) -join ', '
        $delta = Get-SshdDelta $before (Get-SshdCounts $set)
        $cmds = @(Get-Content $log | ConvertFrom-Json | Where-Object event -EQ 'command')
        $journaled = $cmds.Count
        # Where the round trips go: the journaled commands grouped by what they do, written next to the table.
        $kinds = $cmds | ForEach-Object {
            $c = [string]$_.command
            $k = switch -Regex ($c) {
                'xl create' { 'journaled config write + xl create'; break }
                'qemu-img create' { 'journaled qemu-img clone'; break }
                'liveness-probe' { 'xl state + liveness probe'; break }
                'verify-sha256|verify-ranges' { 'base image verify'; break }
                '^xl list -v && ' { 'host snapshot (xl list -v + journal)'; break }
                '^xl list -v' { 'xl state'; break }
                'path-stat.*journal-read' { 'stat of targets + journal read'; break }
                'journal-read' { 'journal read'; break }
                'path-stat' { 'stat of targets'; break }
                '"kind":"pool"' { 'pool record'; break }
                '"kind":"directory"' { 'journaled directory'; break }
                'storage-probe' { 'capability probe'; break }
                default { 'other' }
            }
            [pscustomobject]@{ Kind = $k; Ms = [double]$_.durationMs }
        } | Group-Object Kind | Sort-Object Count -Descending | ForEach-Object { "$($_.Count) x $($_.Name) ($([math]::Round(($_.Group | Measure-Object Ms -Sum).Sum / 1000, 1)) s summed)" }
        if (-not $Throttle -and $Transport -eq 'OpenSSH') {
            $script:opensshKinds = $kinds -join '; '
            Copy-Item $log (Join-Path $PSScriptRoot '../out/bench/Deploy-ours-openssh.jsonl') -ErrorAction Ignore
        }
        elseif (-not $Throttle) {
            # When each host was busy: its first storage step to its last domain alive, in seconds from the first record.
            $states = @(Get-Content $log | ConvertFrom-Json | Where-Object event -EQ 'state')
            $t0 = ($states | ForEach-Object { [DateTimeOffset]$_.time } | Measure-Object -Property UtcTicks -Minimum).Minimum
            $script:hostWindows = ($states | Group-Object { $_.domain -replace '-\d+$', '' } | Sort-Object Name | ForEach-Object {
                    $ticks = $_.Group | ForEach-Object { ([DateTimeOffset]$_.time).UtcTicks - $t0 }
                    "$($_.Name): $([math]::Round(($ticks | Measure-Object -Minimum).Minimum / 1e7, 1))–$([math]::Round(($ticks | Measure-Object -Maximum).Maximum / 1e7, 1)) s" }) -join ', '
            $script:commandKinds = $kinds -join '; '
            Copy-Item $log (Join-Path $PSScriptRoot '../out/bench/Deploy-ours.jsonl') -ErrorAction Ignore
        }
        $masters = @(Get-BenchSshProcess $set $ctl | Where-Object Master).Count
        Get-XenHost -NoRefresh -ErrorAction Ignore | Disconnect-XenHost
        $left = @(Get-BenchSshProcess $set $ctl)
        if ($left) { Write-Warning "$($left.Count) ssh process(es) to the bench hosts outlived Disconnect-XenHost after '$label': $($left[0].CommandLine)" }
        if ($Transport -eq 'OpenSSH') { $script:opensshProcesses.Add("$masters masters before Disconnect-XenHost, $($left.Count) ssh processes after") }
        Add-Result $label $t.TotalSeconds $delta "journaled commands (LogPath) $([math]::Round($journaled / $n, 1))/domain; connect $([math]::Round($connect.TotalSeconds, 2)) s (not in Seconds); storage: $methods"
    }
    function Invoke-Sequential {
        $ssh = [scriptblock]::Create($sshText); $onHost = [scriptblock]::Create($hostText); $onDomain = [scriptblock]::Create($domainText)
        $before = Get-SshdCounts $set
        $t = Measure-Command {
            foreach ($h in $set) { & $onHost $h $known $base $ssh }
            foreach ($d in Get-Domains 'seq') { & $onDomain $d $known $ssh }
        }
        Add-Result 'sequential ssh script' $t.TotalSeconds (Get-SshdDelta $before (Get-SshdCounts $set))
    }
    function Invoke-Parallel {
        $before = Get-SshdCounts $set
        $t = Measure-Command {
            Get-Domains 'par' | Group-Object HostIndex | ForEach-Object -Parallel {
                $ssh = [scriptblock]::Create($using:sshText); $onHost = [scriptblock]::Create($using:hostText); $onDomain = [scriptblock]::Create($using:domainText)
                & $onHost $_.Group[0].Host $using:known $using:base $ssh
                foreach ($d in $_.Group) { & $onDomain $d $using:known $ssh }
            } -ThrottleLimit $Hosts
        }
        Add-Result 'ssh script, hosts in parallel' $t.TotalSeconds (Get-SshdDelta $before (Get-SshdCounts $set))
    }

    # (c) Ansible: the same steps as tasks looped over each host's domains; forks = hosts; pipelining on (the fast setting).
    $ans = New-Item -ItemType Directory -Force (Join-Path $work 'ansible')
    $inventory = [ordered]@{ all = [ordered]@{ vars = [ordered]@{
                ansible_user = 'root'; ansible_ssh_private_key_file = $set[0].ClientKeyFile; ansible_python_interpreter = '/usr/bin/python3'
                ansible_ssh_common_args = "-o UserKnownHostsFile=$known -o StrictHostKeyChecking=yes" }; hosts = [ordered]@{} } }
    foreach ($g in Get-Domains 'ans' | Group-Object HostIndex) {
        $h = $g.Group[0].Host
        $inventory.all.hosts[$h.Name] = [ordered]@{ ansible_host = $h.Address; domains = @($g.Group | ForEach-Object { [ordered]@{ name = $_.Name; ip = $_.Ip } }) }
    }
    $inventory | ConvertTo-Json -Depth 8 | Set-Content (Join-Path $ans 'inventory.json')   # JSON is valid YAML
    @"
[defaults]
forks = $Hosts
host_key_checking = True
inventory = $ans/inventory.json
stdout_callback = default
retry_files_enabled = False
interpreter_python = /usr/bin/python3
[ssh_connection]
pipelining = True
control_path_dir = $ans/cp
"@ | Set-Content (Join-Path $ans 'ansible.cfg')
    @"
- hosts: all
  gather_facts: false
  tasks:
    - name: base image, once per host
      ansible.builtin.copy: { src: "$base", dest: /var/lib/xen/images/base.img }
    - name: qcow2 clone
      ansible.builtin.command: "qemu-img create -q -f qcow2 -F raw -b /var/lib/xen/images/base.img /var/lib/xen/images/{{ item.name }}.qcow2"
      loop: "{{ domains }}"
    - name: xl.cfg
      ansible.builtin.copy:
        dest: "/etc/xen/{{ item.name }}.cfg"
        content: |
          name="{{ item.name }}"
          type="pv"
          memory=256
          bootloader="pygrub"
          disk=["format=qcow2,vdev=xvda,access=rw,target=/var/lib/xen/images/{{ item.name }}.qcow2"]
          vif=["ip={{ item.ip }}"]
      loop: "{{ domains }}"
    - name: xl create
      ansible.builtin.command: "xl create -q /etc/xen/{{ item.name }}.cfg"
      loop: "{{ domains }}"
    - name: liveness
      ansible.builtin.wait_for: { host: "{{ item.ip }}", port: 22, timeout: 60, sleep: 1 }
      loop: "{{ domains }}"
"@ | Set-Content (Join-Path $ans 'deploy.yml')
    function Invoke-Ansible {
        $before = Get-SshdCounts $set
        $env:ANSIBLE_CONFIG = Join-Path $ans 'ansible.cfg'
        $env:ANSIBLE_HOME = Join-Path $ans 'home'
        $env:ANSIBLE_LOCAL_TEMP = Join-Path $ans 'tmp'
        $logFile = Join-Path $ans "run-$([guid]::NewGuid().ToString('n')).log"
        try {
            $t = Measure-Command { & ansible-playbook (Join-Path $ans 'deploy.yml') *> $logFile }
            if ($LASTEXITCODE) { throw "ansible-playbook failed ($LASTEXITCODE): $((Get-Content $logFile -Tail 30) -join "`n")" }
        }
        finally { Remove-Item Env:ANSIBLE_CONFIG, Env:ANSIBLE_HOME, Env:ANSIBLE_LOCAL_TEMP -ErrorAction Ignore }
        Add-Result 'Ansible playbook (forks=8, pipelining)' $t.TotalSeconds (Get-SshdDelta $before (Get-SshdCounts $set))
    }

    # One round trip: the median of an xl list over the module's warm SSH connection (xl itself included).
    $null = Connect-XenHost -ComputerName $set[0].Address -KeyFile $set[0].ClientKeyFile -KnownHostsFile $known
    $rtt = Get-Median @(1..5 | ForEach-Object { (Measure-Command { $null = Invoke-XenCommand -Host $set[0].Address list }).TotalSeconds })
    Get-XenHost -NoRefresh -ErrorAction Ignore | Disconnect-XenHost
    $rttOpenSsh = [double]::NaN
    $script:opensshProcesses = [Collections.Generic.List[string]]::new()
    if (-not $SkipOpenSsh) {
        # The same round trip over the OpenSSH transport: an ssh client process riding the warm master.
        Use-BenchTempDir $ctl { $null = Connect-XenHost -ComputerName $set[0].Address -KeyFile $set[0].ClientKeyFile -KnownHostsFile $known -Transport OpenSSH }
        $rttOpenSsh = Get-Median @(1..5 | ForEach-Object { (Measure-Command { $null = Invoke-XenCommand -Host $set[0].Address list }).TotalSeconds })
        Get-XenHost -NoRefresh -ErrorAction Ignore | Disconnect-XenHost
    }

    Reset-BenchHosts $set
    for ($run = 1; $run -le $Runs; $run++) {
        # Alternate the order each run so that background load from other builds falls on every method alike.
        $order = @('ours', 'parallel', 'ours-openssh', 'ansible', 'ours-narrow', 'sequential')
        if ($run % 2 -eq 0) { [array]::Reverse($order) }
        foreach ($m in $order) {
            Write-Host "  run $run/${Runs}: $m"
            switch ($m) {
                'ours' { Invoke-Ours }
                'ours-openssh' { if (-not $SkipOpenSsh) { Invoke-Ours -Transport OpenSSH } }
                'ours-narrow' { Invoke-Ours -Throttle 8 }   # the default before 2026-12-02
                'parallel' { Invoke-Parallel }
                'ansible' { if (-not $SkipAnsible) { Invoke-Ansible } }
                'sequential' { if (-not $SkipSequential) { Invoke-Sequential } }
            }
            Reset-BenchHosts $set
        }
    }

    $ours = Get-Median @($results['SmartDomains Start-XenPool'].Seconds)
    # xl holds a per-host lock across a create, so a host builds its domains one after another; only the last one's boot is
    # left after them. The issue's figure (creates + one round trip) is in the notes too.
    $limit = $PerHost * $CreateLatencyMs / 1000.0 + $BootDelayMs / 1000.0 + $rtt
    $createsOnly = $PerHost * $CreateLatencyMs / 1000.0 + $rtt
    $rows = foreach ($method in $results.Keys) {
        $all = $results[$method]
        $med = Get-Median @($all.Seconds)
        $c = $all[-1].Counts
        [pscustomobject]@{
            Method                 = $method
            Domains                = $n
            Seconds                = Format-Range @($all.Seconds)
            'time / ours'          = Get-Ratio $med $ours
            'SSH connections'      = $c.Connections
            'connections/domain'   = [math]::Round($c.Connections / $n, 2)
            'round trips/domain'   = [math]::Round(($c.Execs + $c.Sftp) / $n, 2)
        }
    }
    $rows = @($rows) + [pscustomobject]@{ Method = "limit: busiest host's creates back to back + last boot + 1 round trip"; Domains = $n; Seconds = [math]::Round($limit, 2); 'time / ours' = Get-Ratio $limit $ours; 'SSH connections' = ''; 'connections/domain' = ''; 'round trips/domain' = '' }
    $notes = @(
        "$Hosts hosts x $PerHost domains; emulator latencies: create $CreateLatencyMs ms, guest boot $BootDelayMs ms; base image $BaseMiB MiB sparse with $BaseDataMiB MiB of data, qcow2 clones; $Runs run(s), order alternated, Seconds = median (min–max).",
        "ours / limit = $(Get-Ratio $ours $limit) (goal 1.2); one round trip (xl list over a warm connection) = $([math]::Round($rtt * 1000)) ms. The emulated xl holds a per-host lock across each create's latency, as xl does, so no method can beat the limit. Without the last boot (the busiest host's creates + one round trip, $([math]::Round($createsOnly, 2)) s) the ratio is $(Get-Ratio $ours $createsOnly).",
        "Connections and round trips are counted from sshd's log (LogLevel VERBOSE: accepted connections, and sessions started for a command or the sftp subsystem) for every method alike. Ansible's ssh ControlMaster reuses its connections.",
        "SmartDomains: $($results['SmartDomains Start-XenPool'][-1].Extra).",
        $(if (-not $SkipOpenSsh) {
            $ossh = Get-Median @($results['SmartDomains Start-XenPool over OpenSSH'].Seconds)
            "OpenSSH / SSH.NET (Start-XenPool, median seconds) = $(Get-Ratio $ossh $ours) ($([math]::Round($ossh, 2)) s against $([math]::Round($ours, 2)) s); one round trip over OpenSSH (xl list, an ssh client process on the warm master) = $([math]::Round($rttOpenSsh * 1000)) ms against $([math]::Round($rtt * 1000)) ms over SSH.NET. Over OpenSSH: $($results['SmartDomains Start-XenPool over OpenSSH'][-1].Extra); ssh processes of the bench (pgrep), per run: $($script:opensshProcesses -join '; ').",
            "SmartDomains over OpenSSH, journaled commands (last run, by kind, summed durations): $script:opensshKinds."
        }),
        "SmartDomains' journaled commands (last run, from -LogPath, by kind, with their summed durations): $script:commandKinds.",
        "When each host was busy in SmartDomains' last default run (first state change to last, s from the start; domain sd-H-N is on host H): $script:hostWindows.",
        "Starting the $Hosts test hosts took $([math]::Round($hostStart, 2)) s (not in any figure)."
    )
    $notes = @($notes | ForEach-Object { $_ } | Where-Object { $_ })
    New-BenchTable -Rows $rows -Notes $notes
}
finally {
    Get-XenHost -NoRefresh -ErrorAction Ignore | Disconnect-XenHost -ErrorAction Ignore
    if ($set) {
        $left = @(Get-BenchSshProcess $set $ctl)
        if ($left) { Write-Warning "ssh processes to the bench hosts left after Disconnect-XenHost: $(($left | ForEach-Object { "$($_.Pid) $($_.CommandLine)" }) -join '; ')" }
    }
    if ($set) { Stop-TestHostSet -Hosts $set }
    Remove-Item -Recurse -Force $work -ErrorAction Ignore
}
