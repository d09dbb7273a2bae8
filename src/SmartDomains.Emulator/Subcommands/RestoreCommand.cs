using System.Buffers.Binary;
using System.Text;
using SmartDomains.Emulator.Cli;
using SmartDomains.Emulator.Output;
using SmartDomains.Emulator.State;

namespace SmartDomains.Emulator.Subcommands;

/// <summary>xl restore [-p] [CFG] FILE: checks the header, recreates the domain from the embedded config.</summary>
public static class RestoreCommand
{
    public static int Run(CommandContext ctx, string[] args)
    {
        var o = GetOpt.Parse(ctx, "restore", args, "FnpcdeVA", 1);
        string? cfgFile = o.Operands.Count >= 2 ? o.Operands[0] : null;
        string file = o.Operands.Count >= 2 ? o.Operands[1] : o.Operands[0];
        byte[] data;
        try { data = File.ReadAllBytes(file); }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            ctx.Err.Write($"Can't open restore file: {Errno.Message(e)}\n");
            return 1;
        }
        if (data.Length < SaveFileFormat.HeaderSize)
        {
            ctx.Err.Write($"libxl: error: libxl_utils.c:420:libxl_read_exactly: file/stream truncated reading header from {file}\n");
            return 1;
        }
        if (!data.AsSpan(0, 32).SequenceEqual(SaveFileFormat.Magic))
        {
            ctx.Err.Write("File has wrong magic number - corrupt or for a different tool?\n");
            return 1;
        }
        if (BinaryPrimitives.ReadUInt32LittleEndian(data.AsSpan(32)) != SaveFileFormat.ByteOrder)
        {
            ctx.Err.Write("File has wrong byte order\n");
            return 1;
        }
        uint mandatory = BinaryPrimitives.ReadUInt32LittleEndian(data.AsSpan(36));
        uint optional = BinaryPrimitives.ReadUInt32LittleEndian(data.AsSpan(40));
        uint optLen = BinaryPrimitives.ReadUInt32LittleEndian(data.AsSpan(44));
        ctx.Err.Write($"Loading new save file {file} (new xl fmt info 0x{mandatory:x}/0x{optional:x}/{optLen})\n");
        if ((mandatory & ~3u) != 0)
        {
            ctx.Err.Write($"Savefile has mandatory flag(s) 0x{mandatory & ~3u:x} which are not supported; need newer xl\n");
            return 1;
        }
        if (data.Length < SaveFileFormat.HeaderSize + optLen || optLen < 4)
        {
            ctx.Err.Write("Savefile truncated.\n");
            return 1;
        }
        ctx.Err.Write($" Savefile contains xl domain config{((mandatory & 1) != 0 ? " in JSON format" : "")}\n");
        uint cfgLen = BinaryPrimitives.ReadUInt32LittleEndian(data.AsSpan(SaveFileFormat.HeaderSize));
        if (cfgLen > optLen - 4)
        {
            ctx.Err.Write("Savefile truncated.\n");
            return 1;
        }
        int streamAt = SaveFileFormat.HeaderSize + (int)optLen;
        string json = Encoding.UTF8.GetString(data, SaveFileFormat.HeaderSize + 4, (int)cfgLen).TrimEnd('\0');

        string name; string? uuid; DomainSpec spec;
        if (cfgFile != null)
        {
            if (!o.Has('q')) ctx.Err.Write($"Parsing config from {cfgFile}\n");
            var cfg = CreateCommand.ParseConfig(ctx, File.ReadAllBytes(cfgFile), cfgFile);
            (name, uuid, spec) = (cfg.Name, cfg.Uuid, DomainSpec.From(cfg, ctx.Store.Peek().NextDomid));
        }
        else
        {
            ctx.Err.Write("Parsing config from <saved>\n");
            (name, uuid, spec) = DomainJson.Parse(json);
        }
        if (!data.AsSpan(streamAt).StartsWith(SaveFileFormat.StreamMagic))
        {
            ctx.Err.Write("libxl: error: libxl_stream_read.c:332:stream_header_done: Invalid stream header: Bad magic number\n");
            return 1;
        }
        ctx.MaybeHang("restore");
        using var xlLock = ctx.HoldXlLock();
        ctx.Sleep(ctx.Settings.LatencyMs.Restore);
        int rc = EmulatedDomainBuilder.Build(ctx, name, uuid, spec, o.Has('p'), out _);
        return rc == 0 ? 0 : 1;
    }
}
