using SmartDomains.Emulator.Cli;

namespace SmartDomains.Emulator.Subcommands;

/// <summary>xl domid NAME / xl domname ID.</summary>
public static class DomIdCommand
{
    public static int RunDomid(CommandContext ctx, string[] args)
    {
        var o = GetOpt.Parse(ctx, "domid", args, "", 1);
        string name = o.Operands[0];
        int? id = name == "Domain-0" ? 0 : ctx.Store.Peek().ByName(name)?.Domid;
        if (id is null)
        {
            ctx.Err.Write($"Can't get domid of domain name '{name}', maybe this domain does not exist.\n");
            return 1;
        }
        ctx.Out.Write($"{id}\n");
        return 0;
    }

    public static int RunDomname(CommandContext ctx, string[] args)
    {
        var o = GetOpt.Parse(ctx, "domname", args, "", 1);
        string arg = o.Operands[0];
        var digits = new string(arg.TakeWhile(char.IsAsciiDigit).ToArray());
        if (digits.Length == 0)
        {
            ctx.Err.Write("Invalid domain id.\n\n");
            return 1;
        }
        uint domid = uint.TryParse(digits, out var v) ? v : uint.MaxValue;
        string? name = domid == 0 ? "Domain-0" : ctx.Store.Peek().ByDomid((int)domid)?.Name;
        if (name is null)
        {
            ctx.Err.Write($"Can't get domain name of domain id '{domid}', maybe this domain does not exist.\n");
            return 1;
        }
        ctx.Out.Write(name + "\n");
        return 0;
    }
}
