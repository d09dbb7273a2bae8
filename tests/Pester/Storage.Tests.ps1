#Requires -Version 7.4
# Storage preparation on a real sshd test host: real files, SFTP, sha256sum, and a small tmpfs over the image dir that fills up.
# Uses the module's core types (HostConnection, HostJournal, HostStorage) directly, as the workflow engine does.
BeforeDiscovery {
    $script:canRunHosts = $IsLinux -and ((id -u) -eq 0) -and (Test-Path /usr/sbin/sshd)
}

Describe 'Storage on an SSH test host with a 16 MiB tmpfs image dir' -Skip:(-not $canRunHosts) {
    BeforeAll {
        Import-Module $env:SMARTDOMAINS_MODULE -Force
        # The core types load with the module's cmdlets on first use; load them now by path.
        Add-Type -Path (Join-Path (Split-Path $env:SMARTDOMAINS_MODULE) 'SmartDomains.dll')
        Import-Module "$PSScriptRoot/../Harness/TestHosts.psm1" -Force
        $emulatorDir = Join-Path (Split-Path $env:SMARTDOMAINS_MODULE) 'emulator'
        $script:set = Start-TestHostSet -Count 1 -EmulatorDir $emulatorDir -Prefix sds -TmpfsSizeMiB 16
        $script:th = $set[0]
        $script:work = Join-Path ([IO.Path]::GetTempPath()) "sd-storage-$PID"
        $script:repo = Join-Path $work 'repo'
        New-Item -ItemType Directory -Force $repo | Out-Null
        $known = New-TestKnownHostsFile -Hosts $set -Path (Join-Path $work 'known_hosts')
        $info = [SmartDomains.Hosts.HostConnectionInfo]@{
            Name = $th.Address; ComputerName = $th.Address; KeyFile = $th.ClientKeyFile; KnownHostsFile = $known
            ConnectTimeout = [timespan]::FromSeconds(5)
        }
        $script:conn = [SmartDomains.Hosts.HostConnection]::Create($info)
        $conn.Connect([Threading.CancellationToken]::None)
        # Commands are logged from thread-pool threads: a C# delegate, not a script block (no runspace there).
        $script:log = [System.Collections.Concurrent.ConcurrentQueue[string]]::new()
        $conn.CommandLog = [Delegate]::CreateDelegate([Action[string]], $log, 'Enqueue')
        $script:journal = [SmartDomains.State.HostJournal]::new($conn)
        $script:storage = [SmartDomains.Storage.HostStorage]::new($conn, $journal, [SmartDomains.Storage.ImageRepository]::new($repo))

        function script:New-Item([string] $Domain, [long] $Size, [string] $From, [string] $Filesystem) {
            [SmartDomains.Planning.StorageItem]@{
                Host = $th.Address; Domain = $Domain; Kind = 'ImageFile'; Path = "/var/lib/xen/images/lab/$Domain-xvda.img"
                SizeBytes = $Size; From = $From; Filesystem = $Filesystem
            }
        }
        function script:Invoke-Prepare($item) {
            try { $storage.PrepareAsync($item, 'lab', [Threading.CancellationToken]::None).GetAwaiter().GetResult() }
            catch { throw ($_.Exception.InnerException ?? $_.Exception) }
        }
        function script:Get-JournalOp([string] $Kind, [string] $Resource) {
            (Invoke-TestHostShell -Host $th -Command 'cat /var/lib/smartdomains/journal.jsonl') -split "`n" | Where-Object { $_ } |
                ForEach-Object { $_ | ConvertFrom-Json } | Where-Object { $_.kind -eq $Kind -and $_.resource -eq $Resource } | ForEach-Object op
        }
        function script:New-BaseImage([string] $Name, [int] $RandomMiB, [int] $SizeMiB) {
            $path = Join-Path $repo "$Name.img"
            $bytes = [byte[]]::new($RandomMiB * 1MB); [Random]::Shared.NextBytes($bytes)
            $f = [IO.File]::Create($path); try { $f.Write($bytes, 0, $bytes.Length); $f.SetLength($SizeMiB * 1MB) } finally { $f.Dispose() }
            $path
        }
    }
    AfterAll {
        if ($conn) { $conn.Dispose() }
        if ($set) { Stop-TestHostSet -Hosts $set }
        Remove-Item -Recurse -Force $work -ErrorAction Ignore
    }

    It 'makes a sparse 1 GiB image that takes (almost) no space, journaled begin then done' {
        $item = New-Item web-1 1GB
        $r = Invoke-Prepare $item
        $r.Method | Should -Be 'sparse-file'
        $r.Format | Should -Be 'raw'
        $sizes = (Invoke-TestHostShell -Host $th -Command "stat -c '%s %b %B' $($item.Path)").Trim() -split ' '
        [long] $sizes[0] | Should -Be 1GB
        ([long] $sizes[1] * [long] $sizes[2]) | Should -BeLessThan 1MB
        Get-JournalOp image $item.Path | Should -Be @('begin', 'done')
        Get-JournalOp directory '/var/lib/xen/images/lab' | Should -Be @('begin', 'done')
        (Invoke-Prepare $item).Method | Should -Be 'existing'
    }

    It 'sends a base image once over SFTP, checks it with sha256sum on the host, and clones it' {
        $path = New-BaseImage debian12 2 4
        $base = [SmartDomains.Storage.ImageRepository]::new($repo).Resolve('debian12')
        $a = Invoke-Prepare (New-Item web-2 8MB debian12)
        $b = Invoke-Prepare (New-Item web-3 4MB debian12)
        @($log | Where-Object { $_ -match '\] sftp put ' }).Count | Should -Be 1
        $a.Method | Should -BeIn 'sparse-copy', 'reflink-copy', 'qcow2-backing-file'
        Write-Host "clone method on the SSH test host: $($a.Method)"
        $a.BaseImageSha256 | Should -Be $base.Sha256
        $cache = "/var/lib/smartdomains/images/$($base.Sha256).img"
        (Invoke-TestHostShell -Host $th -Command "sha256sum < $cache").Split(' ')[0] | Should -Be $base.Sha256
        Get-JournalOp base-image $cache | Should -Be @('begin', 'done')
        (Invoke-TestHostShell -Host $th -Command "ls -A /var/lib/smartdomains/images") | Should -Not -Match '\.part-'
        (Invoke-TestHostShell -Host $th -Command "head -c 4194304 /var/lib/xen/images/lab/web-2-xvda.img | sha256sum").Split(' ')[0] | Should -Be $base.Sha256
        (Invoke-TestHostShell -Host $th -Command "stat -c %s /var/lib/xen/images/lab/web-2-xvda.img").Trim() | Should -Be ([string] 8MB)
        $b.Method | Should -Be $a.Method
    }

    It 'sends a sparse base image sparse: the copy cached on the host keeps its holes, its size and its checksum' {
        # 1 MiB of data at 0 and at 100 MiB, in a 256 MiB file.
        $path = Join-Path $repo 'holey.img'
        $bytes = [byte[]]::new(1MB); [Random]::Shared.NextBytes($bytes)
        $f = [IO.File]::Create($path); try { $f.Write($bytes, 0, $bytes.Length); $f.Seek(100MB, 'Begin') | Out-Null; $f.Write($bytes, 0, $bytes.Length); $f.SetLength(256MB) } finally { $f.Dispose() }
        $base = [SmartDomains.Storage.ImageRepository]::new($repo).Resolve('holey')
        $remote = $storage.EnsureBaseImageAsync($base, [Threading.CancellationToken]::None).GetAwaiter().GetResult()
        $sizes = (Invoke-TestHostShell -Host $th -Command "stat -c '%s %b %B' $remote").Trim() -split ' '
        [long] $sizes[0] | Should -Be 256MB
        ([long] $sizes[1] * [long] $sizes[2]) | Should -BeLessThan 8MB -Because 'the holes stay holes on the host'
        (Invoke-TestHostShell -Host $th -Command "sha256sum < $remote").Split(' ')[0] | Should -Be $base.Sha256
        Get-JournalOp base-image $remote | Should -Be @('begin', 'done')
    }

    It 'refuses an image file the journal does not list and leaves it alone' {
        Invoke-TestHostShell -Host $th -Command 'mkdir -p /var/lib/xen/images/lab && printf precious > /var/lib/xen/images/lab/db-1-xvda.img' | Out-Null
        $err = { Invoke-Prepare (New-Item db-1 1MB) } | Should -Throw -PassThru
        $err.Exception.ErrorId | Should -Be 'XenStorageConflict'
        Invoke-TestHostShell -Host $th -Command 'cat /var/lib/xen/images/lab/db-1-xvda.img' | Should -Be 'precious'
        Invoke-TestHostShell -Host $th -Command 'rm /var/lib/xen/images/lab/db-1-xvda.img' | Out-Null
    }

    It 'fills the tmpfs: a clear error naming host, path and free space, no partial image, and the journal matches the host' {
        New-BaseImage big 24 24 | Out-Null
        $item = New-Item big-1 32MB big
        $err = { Invoke-Prepare $item } | Should -Throw -PassThru
        Write-Host $err.Exception.Message
        $err.Exception.ErrorId | Should -Be 'XenStorageNoSpace'
        $err.Exception.Message | Should -Match ([regex]::Escape($th.Address))
        $err.Exception.Message | Should -Match ([regex]::Escape($item.Path))
        $err.Exception.Message | Should -Match 'free of'
        (Invoke-TestHostShell -Host $th -Command 'ls -A /var/lib/xen/images/lab') -split "`n" | Should -Not -Contain 'big-1-xvda.img'
        Get-JournalOp image $item.Path | Should -Be @('begin', 'failed', 'undone')
        # Every image the journal lists as made is on the host, and every image on the host is in the journal.
        $live = (Invoke-TestHostShell -Host $th -Command 'cat /var/lib/smartdomains/journal.jsonl') -split "`n" | Where-Object { $_ } |
            ForEach-Object { $_ | ConvertFrom-Json } | Where-Object kind -eq image | Group-Object resource |
            Where-Object { $_.Group[-1].op -eq 'done' } | ForEach-Object { Split-Path -Leaf $_.Name }
        $onHost = (Invoke-TestHostShell -Host $th -Command 'ls -A /var/lib/xen/images/lab') -split "`n" | Where-Object { $_ }
        ($onHost | Sort-Object) | Should -Be ($live | Sort-Object)
    }

    It 'removes what it made, and the journal says undo then undone' {
        $path = '/var/lib/xen/images/lab/web-3-xvda.img'
        $storage.RemoveAsync('image', $path, [Threading.CancellationToken]::None).GetAwaiter().GetResult()
        Invoke-TestHostShell -Host $th -Command "test ! -e $path" | Out-Null
        Get-JournalOp image $path | Should -Be @('begin', 'done', 'undo', 'undone')
    }
}
