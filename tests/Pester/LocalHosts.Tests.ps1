#Requires -Version 7.4
# The same queries on -Emulator hosts (no root, no SSH) and on a -Local host (pwsh on dom0 itself).
Describe 'Emulated and local hosts' {
    BeforeAll {
        Import-Module $env:SMARTDOMAINS_MODULE -Force
        $script:emulatorDir = Join-Path (Split-Path $env:SMARTDOMAINS_MODULE) 'emulator'
        $script:root = Join-Path ([IO.Path]::GetTempPath()) "sd-emu-$PID"
        function script:New-TestDomain($h, [string] $Name, [int] $MemoryMiB = 128, [string] $Ip) {
            $kernel = Join-Path $h.ImageDir 'vmlinuz'
            Set-Content $kernel 'k'
            $cfg = Join-Path $h.ConfigDir "$Name.cfg"
            $lines = @("name = '$Name'", "kernel = '$kernel'", "memory = $MemoryMiB")
            if ($Ip) { $lines += "vif = [ 'ip=$Ip' ]" }
            $lines | Set-Content $cfg
            Invoke-XenCommand -Host $h create -q $cfg
        }
    }
    AfterAll {
        Get-XenHost -NoRefresh -ErrorAction Ignore | Disconnect-XenHost
        Remove-Item -Recurse -Force $root -ErrorAction Ignore
    }

    Context '-Emulator' {
        BeforeAll { $script:hosts = Connect-XenHost -Emulator -Name e1, e2 -EmulatorRoot $root }
        AfterAll { Get-XenDomain -ErrorAction Ignore | ForEach-Object { Invoke-XenCommand -Host $_.Host destroy $_.Name } | Out-Null }

        It 'creates hosts with their own directories under the root' {
            $hosts.Kind | Should -Be @('Emulator', 'Emulator')
            $hosts[0].ConfigDir | Should -BeLike "$root*e1*"
            Test-Path $hosts[1].ImageDir | Should -BeTrue
        }

        It 'Get-XenHost reads xl info from each emulated host' {
            $facts = Get-XenHost
            $facts.Count | Should -Be 2
            $facts[0].XenVersion | Should -Match '^4\.17'
            $facts[0].DomainCount | Should -Be 0
        }

        It 'Get-XenDomain sees domains created with xl, per host, with accounting' {
            $free = (Get-XenHost -Name e1).FreeMemoryMiB
            New-TestDomain $hosts[0] -Name alpha -MemoryMiB 300 | Out-Null
            New-TestDomain $hosts[1] -Name beta | Out-Null
            $d = Get-XenDomain -Name alpha
            $d.Host | Should -Be 'e1'
            $d.MemoryMiB | Should -Be 300
            (Get-XenDomain -Host e2).Name | Should -Be 'beta'
            (Get-XenHost -Name e1).FreeMemoryMiB | Should -Be ($free - 300)
            Get-XenDomain -IncludeDom0 -Host e1 | Where-Object DomId -EQ 0 | Select-Object -ExpandProperty Name | Should -Be 'Domain-0'
        }

        It 'keeps the state of emulated hosts apart' {
            Invoke-XenCommand -Host e2 domid alpha -ErrorAction SilentlyContinue -ErrorVariable err | Out-Null
            $err[0].Exception.Message | Should -Match "Can't get domid of domain name 'alpha'"
        }

        It 'a stand-in guest answers TCP on its loopback address while the domain runs' {
            New-TestDomain $hosts[0] -Name gamma -Ip 127.0.91.7 | Out-Null
            $deadline = [DateTime]::UtcNow.AddSeconds(20)
            $answered = $false
            while (-not $answered -and [DateTime]::UtcNow -lt $deadline) {
                $client = [Net.Sockets.TcpClient]::new()
                try { $client.Connect('127.0.91.7', 22); $answered = $true } catch { Start-Sleep -Milliseconds 200 } finally { $client.Dispose() }
            }
            $answered | Should -BeTrue
            Invoke-XenCommand -Host e1 destroy gamma | Out-Null
            Start-Sleep -Milliseconds 800
            { $c = [Net.Sockets.TcpClient]::new(); try { $c.Connect('127.0.91.7', 22) } finally { $c.Dispose() } } | Should -Throw
        }
    }

    Context '-Local' {
        BeforeAll {
            # pwsh on dom0 itself: xl is whatever is on PATH. Here that is the emulator, with its state in a temp dir.
            $script:savedPath = $env:PATH
            $script:savedState = $env:XL_EMULATOR_DIR
            $env:PATH = "$emulatorDir$([IO.Path]::PathSeparator)$env:PATH"
            $env:XL_EMULATOR_DIR = Join-Path $root 'local-xl'
            $script:localDirs = @{ ConfigDir = (Join-Path $root 'local/etc/xen'); ImageDir = (Join-Path $root 'local/images'); StateDir = (Join-Path $root 'local/state') }
            $localDirs.Values | ForEach-Object { New-Item -ItemType Directory -Force $_ | Out-Null }
            $script:localHost = Connect-XenHost -Local -Name here @localDirs
        }
        AfterAll {
            Invoke-XenCommand -Host here destroy local-1 -ErrorAction Ignore | Out-Null
            $env:PATH = $savedPath
            $env:XL_EMULATOR_DIR = $savedState
        }

        It 'connects to this machine and reads facts' {
            $localHost.Kind | Should -Be 'Local'
            $localHost.XenVersion | Should -Match '^4\.17'
            $localHost.ConfigDir | Should -Be $localDirs.ConfigDir
        }

        It 'runs the same domain queries' {
            New-TestDomain $localHost -Name local-1 | Out-Null
            (Get-XenDomain -Host here).Name | Should -Be 'local-1'
            (Get-XenHost -Name here).DomainCount | Should -Be 1
        }
    }

    Context 'Without a connection' {
        It 'Get-XenDomain says to connect first, with XenHostNotConnected' {
            Get-XenHost -NoRefresh | Disconnect-XenHost
            { Get-XenDomain -ErrorAction Stop } | Should -Throw -ErrorId 'XenHostNotConnected*'
            Get-XenDomain -Host nowhere -ErrorVariable err -ErrorAction SilentlyContinue
            $err[0].FullyQualifiedErrorId | Should -BeLike 'XenHostNotConnected*'
        }
    }
}
