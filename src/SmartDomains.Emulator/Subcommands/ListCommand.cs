using System.Text.Json.Nodes;
using SmartDomains.Emulator.Cli;
using SmartDomains.Emulator.Output;
using SmartDomains.Emulator.State;

namespace SmartDomains.Emulator.Subcommands;

/// <summary>xl list [-l] [-v] [dom] (xl_list.c).</summary>
public static class ListCommand
{
    public const string Header = "Name                                        ID   Mem VCPUs\tState\tTime(s)";

    public static int Run(CommandContext ctx, string[] args)
    {
        var o = GetOpt.Parse(ctx, "list", args, "lvhZcn", 0,
            new Dictionary<string, char> { ["long"] = 'l', ["verbose"] = 'v', ["context"] = 'Z', ["cpupool"] = 'c', ["numa"] = 'n' });
        long now = StateStore.NowMs();
        ctx.MaybeHang("list");
        var state = ctx.Store.Peek();
        var views = DomainView.All(ctx.Settings, state, now);
        if (o.Operands.Count > 1) { ctx.Out.Write("Usage: xl [-v] list [options] [Domain]\n"); return 1; }
        if (o.Operands.Count == 1)
        {
            int domid = ctx.FindDomain(o.Operands[0]);
            var one = views.FirstOrDefault(v => v.Domid == domid);
            if (one is null)
            {
                ctx.Err.Write($"Error: Domain '{o.Operands[0]}' does not exist.\n");
                return 1;
            }
            views = new() { one };
        }
        if (o.Has('l')) PrintLong(ctx, state, views);
        else PrintTable(ctx, views, o.Has('v'), o.Has('Z'));
        return 0;
    }

    private static void PrintTable(CommandContext ctx, List<DomainView> views, bool verbose, bool context)
    {
        var w = ctx.Out;
        w.Write(Header);
        if (verbose) w.Write("   UUID                            Reason-Code\tSecurity Label");
        if (context && !verbose) w.Write("   Security Label");
        w.Write('\n');
        foreach (var v in views)
        {
            w.Write(string.Format("{0,-40} {1,5} {2,5} {3,5}     {4}  {5,8:F1}",
                v.Name ?? "(null)", v.Domid, v.MemoryMiB, v.Vcpus, new string(v.Flags), v.CpuSeconds));
            if (verbose)
            {
                w.Write(" " + v.Uuid);
                w.Write(v.IsShutdown ? " " + v.ShutdownReasonCode.ToString("x").PadLeft(8) : " " + "-".PadLeft(8));
            }
            if (verbose || context) w.Write(" " + "-".PadLeft(16));
            w.Write('\n');
        }
    }

    private static void PrintLong(CommandContext ctx, HostState state, List<DomainView> views)
    {
        var arr = new JsonArray();
        foreach (var v in views.Where(v => v.Domid != 0))
        {
            var d = state.ByDomid(v.Domid);
            if (d is null) continue;
            arr.Add((JsonNode)new JsonObject { ["domid"] = d.Domid, ["config"] = DomainJson.Config(d) });
        }
        ctx.Out.Write(DomainJson.Pretty(arr) + "\n");
    }
}
