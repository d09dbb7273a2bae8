using System.Text;
using SmartDomains.Emulator.Cli;
using SmartDomains.Emulator.State;
using SmartDomains.XlConfig;

namespace SmartDomains.Emulator.Subcommands;

/// <summary>xl create [-q] [-p] [-F] [-c] CFG [key=value ...] (xl_vmcontrol.c create_domain).</summary>
public static class CreateCommand
{
    public static int Run(CommandContext ctx, string[] args)
    {
        var o = GetOpt.Parse(ctx, "create", args, "Fnqf:pcdeVA", 0,
            new Dictionary<string, char> { ["dryrun"] = 'n', ["quiet"] = 'q', ["defconfig"] = 'f', ["vncviewer"] = 'V', ["vncviewer-autopass"] = 'A' });
        var operands = o.Operands.ToList();
        string? file = o.Values.TryGetValue('f', out var f) ? f : null;
        if (file is null && operands.Count > 0 && !operands[0].Contains('=')) { file = operands[0]; operands.RemoveAt(0); }
        if (file is null)
        {
            ctx.Err.Write("Config file not specified and none in save file\n");
            return 6;
        }
        byte[] data;
        try { data = File.ReadAllBytes(file); }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            ctx.Err.Write($"Failed to read config file: {file}: {Errno.Message(e)}\n");
            return 3;
        }
        if (operands.Count > 0)
            data = data.Concat(Encoding.UTF8.GetBytes("\n" + string.Join("\n", operands) + "\n")).ToArray();
        if (!o.Has('q')) ctx.Err.Write($"Parsing config from {file}\n");

        var config = ParseConfig(ctx, data, file);
        if (o.Has('n')) return 0;

        ctx.MaybeHang("create");
        using var xlLock = ctx.HoldXlLock();
        ctx.Sleep(ctx.Settings.LatencyMs.Create);
        var spec = DomainSpec.From(config, ctx.Store.Peek().NextDomid);
        return EmulatedDomainBuilder.Build(ctx, config.Name, config.Uuid, spec, o.Has('p'), out _, monitored: !o.Has('e'));
    }

    /// <summary>parse_config_data: libxlutil's report, then xl's own checks; both exit like xl.</summary>
    public static XlDomainConfig ParseConfig(CommandContext ctx, byte[] data, string source)
    {
        var parsed = XlConfigParser.Parse(data, source);
        foreach (var m in parsed.Messages) ctx.Err.Write(m + "\n");
        if (!parsed.Success)
        {
            ctx.Err.Write("Failed to parse config: Invalid argument\n");
            throw new XlExit(1);
        }
        var config = XlDomainConfig.From(parsed.Config!, out var failure);
        if (config is null)
        {
            ctx.Err.Write(failure!.Message + "\n");
            throw new XlExit(failure.ExitCode);
        }
        return config;
    }
}
