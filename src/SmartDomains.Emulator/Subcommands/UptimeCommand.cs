using SmartDomains.Emulator.Cli;
using SmartDomains.Emulator.Output;
using SmartDomains.Emulator.State;

namespace SmartDomains.Emulator.Subcommands;

/// <summary>xl uptime [-s] [dom...] (xl_info.c print_uptime).</summary>
public static class UptimeCommand
{
    public static int Run(CommandContext ctx, string[] args)
    {
        var o = GetOpt.Parse(ctx, "uptime", args, "s", 0);
        var ids = o.Operands.Select(ctx.FindDomain).ToList();
        long now = StateStore.NowMs();
        var views = DomainView.All(ctx.Settings, ctx.Store.Peek(), now);
        bool shortMode = o.Has('s');
        if (!shortMode) ctx.Out.Write($"{"Name",-33} {"ID",4} Uptime\n");
        var rows = ids.Count == 0 ? views : ids.Select(id => views.FirstOrDefault(v => v.Domid == id)).Where(v => v != null).ToList();
        foreach (var v in rows)
        {
            long up = Math.Max(0, (now - v!.CreatedMs) / 1000);
            if (shortMode)
                ctx.Out.Write($" {DateTime.Now:HH:mm:ss} up {Format(up, true)}, {v.Name} ({v.Domid})\n");
            else ctx.Out.Write($"{v.Name,-33} {v.Domid,4} {Format(up, false)}\n");
        }
        return 0;
    }

    public static string Format(long uptime, bool shortMode)
    {
        long day = uptime / 86400, hour = uptime % 86400 / 3600, min = uptime % 3600 / 60, sec = uptime % 60;
        string clock = shortMode ? $"{hour,2}:{min:D2}" : $"{hour,2}:{min:D2}:{sec:D2}";
        return day > 1 ? $"{day} days, {clock}" : day == 1 ? $"{day} day, {clock}" : clock;
    }
}
