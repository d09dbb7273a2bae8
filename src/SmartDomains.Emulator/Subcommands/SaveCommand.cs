using SmartDomains.Emulator.Cli;
using SmartDomains.Emulator.Output;
using SmartDomains.Emulator.State;

namespace SmartDomains.Emulator.Subcommands;

/// <summary>xl save [-c] [-p] DOM FILE [CFG]: writes the real header, then destroys the domain unless -c/-p.</summary>
public static class SaveCommand
{
    public static int Run(CommandContext ctx, string[] args)
    {
        var o = GetOpt.Parse(ctx, "save", args, "cpD", 2);
        int domid = ctx.FindDomain(o.Operands[0]);
        string file = o.Operands[1];
        var d = ctx.Store.Peek().ByDomid(domid);
        if (d is null || domid == 0 || d.Status == DomainStatus.Dying)
        {
            ctx.LibxlError("libxl_domain.c:534:libxl_domain_suspend", domid, "unable to get domain type: Non-existant domain");
            ctx.Err.Write("Failed to save domain, resuming domain\n");
            return 1;
        }
        ctx.MaybeHang("save");
        var header = SaveFileFormat.BuildHeader(DomainJson.Pretty(DomainJson.Config(d)), out var h);
        ctx.Err.Write($"Saving to {file} new xl format (info 0x{h.Mandatory:x}/0x{h.Optional:x}/{h.OptionalLength})\n");
        var payload = SaveFileFormat.Payload(d.Spec.MemoryMiB);
        try
        {
            using var fs = new FileStream(file, FileMode.Create, FileAccess.Write);
            fs.Write(header);
            ctx.Sleep(ctx.Settings.LatencyMs.Save);
            if (ctx.Settings.Faults.SaveDiesMidway)
            {
                fs.Write(payload, 0, payload.Length / 2);
                ctx.LibxlError("libxl_stream_write.c:350:libxl__xc_domain_save_done", domid, "saving domain: domain did not respond to suspend request: Input/output error");
                ctx.Err.Write("Failed to save domain, resuming domain\n");
                return 1;
            }
            fs.Write(payload);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            ctx.Err.Write($"Failed to open temp file {file} for writing: {Errno.Message(e)}\n");
            return 1;
        }
        bool checkpoint = o.Has('c'), leavePaused = o.Has('p');
        var removed = ctx.Store.Update(state =>
        {
            var cur = state.ByDomid(domid);
            if (cur is null) return null;
            if (leavePaused) { cur.Status = DomainStatus.Paused; return null; }
            if (checkpoint) return null;
            state.Domains.Remove(cur);
            return cur;
        });
        if (removed != null)
        {
            ctx.Guests.Stop(removed.GuestPid);
            // The guest suspended for the save: its monitor logs that and exits (handle_domain_death, SHUTDOWN_suspend).
            MonitorLog.Append(ctx.Settings.XlLogDir, new[] { MonitorLog.ShutDown(removed.Domid, 2), MonitorLog.Suspended, MonitorLog.Exiting }
                .Select(l => new MonitorLine(removed.Name, l)));
        }
        return 0;
    }
}
