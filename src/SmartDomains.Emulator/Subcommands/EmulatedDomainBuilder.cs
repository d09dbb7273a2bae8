using SmartDomains.Emulator.Cli;
using SmartDomains.Emulator.State;

namespace SmartDomains.Emulator.Subcommands;

/// <summary>
/// The part of domain creation shared by create and restore, done under the state lock: memory check,
/// name uniqueness, disk targets, domid allocation. Failures print libxl/xl's messages and return exit 3.
/// </summary>
public static class EmulatedDomainBuilder
{
    /// <param name="monitored">xl's monitor stays behind (not xl create -e): it logs "Waiting for domain ..." and each shutdown.</param>
    public static int Build(CommandContext ctx, string name, string? uuid, DomainSpec spec, bool paused, out int domid, bool monitored = true)
    {
        var faults = ctx.Settings.Faults;
        long now = StateStore.NowMs();
        int result = ctx.Store.Update(state =>
        {
            long free = ctx.Settings.TotalMemory - ctx.Settings.Dom0Memory - state.UsedMemoryMiB;
            if (faults.CreateOutOfMemory || spec.MemoryMiB > free)
            {
                ctx.Err.Write("failed to free memory for the domain\n");
                return -1;
            }
            // From here on libxl has created the domain, so a failure still uses up its domid.
            int id = state.NextDomid++;
            if (state.ByName(name) is not null)
            {
                ctx.LibxlError("libxl_domain.c:81:libxl__domain_rename", id, $"Domain with name \"{name}\" already exists.");
                ctx.LibxlError("libxl_create.c:1309:initiate_domain_create", id, "cannot make domain: -6");
                return -1;
            }
            for (int i = 0; i < spec.Disks.Count; i++)
            {
                var disk = spec.Disks[i];
                if (disk.Format == "empty" || disk.Script != null || File.Exists(disk.Target) || Directory.Exists(disk.Target)) continue;
                // An emulated LVM volume stands for /dev/VG/LV (no device node exists: /dev is the real machine's).
                if (Lvm.LvmNames.FindByPath(state, ctx.Settings, disk.Target) != null) continue;
                ctx.Err.Write($"libxl: error: libxl_device.c:397:libxl__device_disk_set_backend: Disk vdev={disk.Vdev} failed to stat: {disk.Target}: No such file or directory\n");
                ctx.LibxlError("libxl_create.c:1371:initiate_domain_create", id, $"Unable to set disk defaults for disk {i}");
                return -1;
            }
            var crash = faults.CrashAfter(name);
            var poweroff = faults.PoweroffAfter(name);
            state.Domains.Add(new DomainRecord
            {
                Domid = id, Name = name, Uuid = uuid ?? Guid.NewGuid().ToString(), CreatedMs = now,
                Status = paused ? DomainStatus.Paused : DomainStatus.Running, Spec = spec,
                CrashAtMs = crash is { } s ? now + (long)(s * 1000) : null,
                PoweroffAtMs = poweroff is { } p ? now + (long)(p * 1000) : null,
            });
            return id;
        });
        domid = result;
        if (result < 0) return 3;
        if (monitored) MonitorLog.Append(ctx.Settings.XlLogDir, new[] { new MonitorLine(name, MonitorLog.Waiting(name, result)) });
        if (spec.GuestAddresses.Any())
        {
            var pid = ctx.Guests.Start(result);
            if (pid != null) ctx.Store.Update(s => { if (s.ByDomid(result) is { } d) d.GuestPid = pid; return 0; });
        }
        return 0;
    }
}
