namespace SmartDomains.Schedules;

/// <summary>The service and timer pair of a schedule. Every word in them is a validated value quoted for systemd.</summary>
public static class SystemdUnits
{
    public static string ServiceFile(ScheduleSpec s) => s.UnitName + ".service";
    public static string TimerFile(ScheduleSpec s) => s.UnitName + ".timer";

    public static string Service(ScheduleSpec s) => $"""
        # SmartDomains schedule {s.Name}: written by Register-XenPoolSchedule, removed by Unregister-XenPoolSchedule.
        [Unit]
        Description=SmartDomains schedule {s.Name} (Sync-XenPool of pool {s.Pool})
        After=network-online.target
        Wants=network-online.target

        [Service]
        Type=oneshot
        Environment={ScheduleQuoting.Systemd("PATH=" + s.SearchPath)}
        ExecStart={string.Join(" ", s.Command.Select((w, i) => ScheduleQuoting.Systemd(w, executable: i == 0)))}
        # The runbook exits 1 when drift remains after its pass, so the unit shows as failed, as operators expect.

        """;

    // OnActiveSec runs the first pass right after the timer starts; OnUnitActiveSec then repeats it.
    public static string Timer(ScheduleSpec s) => $"""
        # SmartDomains schedule {s.Name}: written by Register-XenPoolSchedule, removed by Unregister-XenPoolSchedule.
        [Unit]
        Description=SmartDomains schedule {s.Name}, every {s.Every}

        [Timer]
        OnActiveSec=10s
        OnUnitActiveSec={s.Every.ToSystemd()}
        AccuracySec=1s
        Unit={ServiceFile(s)}

        [Install]
        WantedBy=timers.target

        """;
}
