using SmartDomains.Emulator.Cli;

namespace SmartDomains.Emulator.Subcommands;

/// <summary>The xl subcommands the emulator implements.</summary>
public static class CommandTable
{
    private static readonly Dictionary<string, Func<CommandContext, string[], int>> Commands = new()
    {
        ["list"] = ListCommand.Run,
        ["info"] = InfoCommand.Run,
        ["create"] = CreateCommand.Run,
        ["shutdown"] = (c, a) => ShutdownCommand.Run(c, a, reboot: false),
        ["reboot"] = (c, a) => ShutdownCommand.Run(c, a, reboot: true),
        ["destroy"] = DestroyCommand.Run,
        ["pause"] = (c, a) => PauseCommand.Run(c, a, pause: true),
        ["unpause"] = (c, a) => PauseCommand.Run(c, a, pause: false),
        ["uptime"] = UptimeCommand.Run,
        ["domid"] = DomIdCommand.RunDomid,
        ["domname"] = DomIdCommand.RunDomname,
        ["save"] = SaveCommand.Run,
        ["restore"] = RestoreCommand.Run,
        ["vcpu-list"] = VcpuListCommand.Run,
        ["network-list"] = NetworkListCommand.Run,
        ["block-list"] = BlockListCommand.Run,
    };

    public static Func<CommandContext, string[], int>? Find(string name) =>
        Commands.TryGetValue(name, out var f) ? f : null;
}
