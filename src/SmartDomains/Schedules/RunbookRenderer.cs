namespace SmartDomains.Schedules;

/// <summary>
/// The runbook: a PowerShell script that imports the module by absolute path, connects, runs one Sync-XenPool pass, then
/// Test-XenPool -Detailed, and appends one JSON line to the log. Every value in it is validated and single-quoted.
/// </summary>
public static class RunbookRenderer
{
    public const int ExitClean = 0, ExitDrift = 1, ExitFailed = 2;

    public static string Render(ScheduleSpec s)
    {
        var q = ScheduleQuoting.PowerShell;
        var sync = $"@{{ Path = {q(s.PoolPath)}";
        if (s.Repository is not null) sync += $"; Repository = {q(s.Repository)}";
        if (s.ImageRepository is not null) sync += $"; ImageRepository = {q(s.ImageRepository)}";
        sync += " }";
        return $$"""
            #Requires -Version 7.4
            # SmartDomains schedule {{s.Name}}: written by Register-XenPoolSchedule; register again to change it, and
            # Unregister-XenPoolSchedule removes it. One pass: connect, Sync-XenPool, Test-XenPool -Detailed, one JSON line
            # appended to the log. Exit 0: no drift after the pass; 1: drift remains; 2: the pass itself failed.
            Set-StrictMode -Version 3.0
            $ErrorActionPreference = 'Stop'
            $ProgressPreference = 'SilentlyContinue'
            $InformationPreference = 'SilentlyContinue'
            $log = {{q(s.LogPath)}}
            $sync = {{sync}}
            $counts = [ordered]@{}
            $errors = [System.Collections.Generic.List[string]]::new()
            $drift = @()
            $result = 'Failed'
            $started = [DateTimeOffset]::Now
            try {
                Import-Module -Name {{q(s.ModulePath)}}
                # A host that does not answer is reported, and the pass goes on with the others.
                {{s.Connection.ConnectCommand()}} -ErrorAction SilentlyContinue -ErrorVariable connectErrors | Out-Null
                foreach ($e in $connectErrors) { $errors.Add("$($e.FullyQualifiedErrorId): $($e.Exception.Message)") }
                foreach ($r in @(Sync-XenPool @sync -ErrorAction SilentlyContinue -ErrorVariable syncErrors)) {
                    $counts["$($r.Action)"] = 1 + $(if ($counts.Contains("$($r.Action)")) { $counts["$($r.Action)"] } else { 0 })
                }
                foreach ($e in $syncErrors) { $errors.Add("$($e.FullyQualifiedErrorId): $($e.Exception.Message)") }
                $drift = @(Test-XenPool @sync -Detailed | ForEach-Object { [ordered]@{ domain = $_.Domain; host = $_.Host; kind = "$($_.Kind)"; detail = $_.Detail } })
                $result = if ($drift.Count -eq 0) { 'Clean' } else { 'Drift' }
            }
            catch {
                $errors.Add("$($_.FullyQualifiedErrorId): $($_.Exception.Message)")
            }
            $exit = @{ Clean = {{ExitClean}}; Drift = {{ExitDrift}}; Failed = {{ExitFailed}} }[$result]
            $line = [ordered]@{
                time = $started.ToString('o'); seconds = [math]::Round(([DateTimeOffset]::Now - $started).TotalSeconds, 1)
                schedule = {{q(s.Name)}}; pool = {{q(s.Pool)}}; result = $result; exit = $exit
                counts = $counts; drift = $drift; errors = @($errors)
            } | ConvertTo-Json -Compress -Depth 4
            $null = [System.IO.Directory]::CreateDirectory([System.IO.Path]::GetDirectoryName($log))
            [System.IO.File]::AppendAllText($log, $line + "`n")
            exit $exit

            """;
    }
}
