namespace SmartDomains.Schedules;

/// <summary>
/// How a runbook connects: SSH hosts with a key file (never a password or the key itself) over SSH.NET or the system's
/// OpenSSH (which reads the user's ssh config), or emulated hosts under a root. Rendered as the runbook's one
/// Connect-XenHost line.
/// </summary>
public sealed class ScheduleConnection
{
    public bool Emulator { get; init; }
    public required IReadOnlyList<string> Hosts { get; init; }
    public string? EmulatorRoot { get; init; }
    /// <summary>Null: not given, so Connect-XenHost takes the ssh config's Port, or 22.</summary>
    public int? Port { get; init; }
    public string? User { get; init; }
    public string? KeyFile { get; init; }
    public Hosts.HostKeyPolicy? HostKeyPolicy { get; init; }
    public string? KnownHostsFile { get; init; }
    public SmartDomains.Hosts.HostTransport Transport { get; init; } = SmartDomains.Hosts.HostTransport.SshNet;
    public string? SshConfigFile { get; init; }

    public void Validate()
    {
        if (Hosts.Count == 0) throw ScheduleInterval.Invalid("A schedule needs at least one host (-XenHost).");
        foreach (var h in Hosts)
            if (Emulator) ScheduleValues.Name("-XenHost", h); else ScheduleValues.HostName("-XenHost", h);
        if (EmulatorRoot is not null) ScheduleValues.AbsolutePath("-EmulatorRoot", EmulatorRoot);
        if (KeyFile is not null) ScheduleValues.AbsolutePath("-KeyFile", KeyFile);
        if (KnownHostsFile is not null) ScheduleValues.AbsolutePath("-KnownHostsFile", KnownHostsFile);
        if (SshConfigFile is not null) ScheduleValues.AbsolutePath("-SshConfigFile", SshConfigFile);
        if (!Enum.IsDefined(Transport)) throw ScheduleInterval.Invalid($"-Transport {(int)Transport} is not a transport.");
        if (User is not null) ScheduleValues.User("-User", User);
        if (Port is < 1 or > 65535) throw ScheduleInterval.Invalid($"-Port {Port} is not a TCP port.");
    }

    /// <summary>The runbook's Connect-XenHost command (validated values, each quoted for PowerShell).</summary>
    public string ConnectCommand()
    {
        var q = ScheduleQuoting.PowerShell;
        var hosts = string.Join(", ", Hosts.Select(q));
        if (Emulator)
            return $"Connect-XenHost -Emulator -Name {hosts}" + (EmulatorRoot is null ? "" : $" -EmulatorRoot {q(EmulatorRoot)}");
        var line = $"Connect-XenHost -ComputerName {hosts}";
        if (Port is not null) line += $" -Port {Port}";
        if (User is not null) line += $" -User {q(User)}";
        if (KeyFile is not null) line += $" -KeyFile {q(KeyFile)}";
        if (HostKeyPolicy is not null) line += $" -HostKeyPolicy {q(HostKeyPolicy.ToString())}";
        if (KnownHostsFile is not null) line += $" -KnownHostsFile {q(KnownHostsFile)}";
        // SSH.NET is Connect-XenHost's default, so a runbook names only the other transport.
        if (Transport != SmartDomains.Hosts.HostTransport.SshNet) line += $" -Transport {Transport}";
        if (SshConfigFile is not null) line += $" -SshConfigFile {q(SshConfigFile)}";
        return line;
    }
}
