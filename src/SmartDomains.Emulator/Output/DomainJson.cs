using Newtonsoft.Json;
using Newtonsoft.Json.Linq;
using SmartDomains.Emulator.State;

namespace SmartDomains.Emulator.Output;

/// <summary>
/// The libxl_domain_config JSON that `xl list -l` prints and `xl save` embeds (c_info, b_info, disks, nics,
/// on_*), and the reverse mapping that `xl restore` uses.
/// </summary>
public static class DomainJson
{
    public static JObject Config(DomainRecord d)
    {
        var s = d.Spec;
        var typeInfo = new JObject();
        if (s.Type == "pv")
        {
            Add(typeInfo, "kernel", s.Kernel); Add(typeInfo, "cmdline", s.Cmdline);
            Add(typeInfo, "ramdisk", s.Ramdisk); Add(typeInfo, "bootloader", s.Bootloader);
        }
        var bInfo = new JObject
        {
            ["max_vcpus"] = s.MaxVcpus,
            ["avail_vcpus"] = new JArray(Enumerable.Range(0, s.Vcpus)),
            ["max_memkb"] = s.MaxMemMiB * 1024,
            ["target_memkb"] = s.MemoryMiB * 1024,
            ["sched_params"] = new JObject(),
            ["type." + s.Type] = typeInfo,
        };
        if (s.Type != "pv") { Add(bInfo, "kernel", s.Kernel); Add(bInfo, "cmdline", s.Cmdline); Add(bInfo, "ramdisk", s.Ramdisk); }
        return new JObject
        {
            ["c_info"] = new JObject { ["type"] = s.Type, ["name"] = d.Name, ["uuid"] = d.Uuid, ["run_hotplug_scripts"] = "True" },
            ["b_info"] = bInfo,
            ["disks"] = new JArray(s.Disks.Select(x => new JObject
            {
                ["pdev_path"] = x.Target, ["vdev"] = x.Vdev, ["backend"] = x.Backend, ["format"] = x.Format,
                ["readwrite"] = x.ReadWrite ? 1 : 0, ["is_cdrom"] = x.IsCdrom ? 1 : 0,
            })),
            ["nics"] = new JArray(s.Nics.Select(n =>
            {
                var o = new JObject { ["devid"] = n.Devid, ["mac"] = n.Mac, ["bridge"] = n.Bridge };
                Add(o, "ip", n.Ip); Add(o, "script", n.Script); Add(o, "ifname", n.VifName);
                Add(o, "model", n.Model); Add(o, "rate_bytes_per_interval", n.Rate);
                if (n.Mtu is { } mtu) o["mtu"] = mtu;
                if (n.Type is { } t) o["nictype"] = t;
                return o;
            })),
            ["on_poweroff"] = s.OnPoweroff, ["on_reboot"] = s.OnReboot,
            ["on_watchdog"] = s.OnWatchdog, ["on_crash"] = s.OnCrash,
        };
    }

    /// <summary>yajl's beautified output: four-space indents.</summary>
    public static string Pretty(JToken t)
    {
        var sw = new StringWriter();
        using (var w = new JsonTextWriter(sw) { Formatting = Formatting.Indented, Indentation = 4, IndentChar = ' ' })
            t.WriteTo(w);
        return sw.ToString();
    }

    /// <summary>Rebuilds name, uuid and spec from an embedded config (restore).</summary>
    public static (string Name, string? Uuid, DomainSpec Spec) Parse(string json)
    {
        var o = JObject.Parse(json);
        var c = (JObject)o["c_info"]!;
        var b = (JObject)o["b_info"]!;
        string type = (string?)c["type"] ?? "pv";
        var ti = b["type." + type] as JObject ?? new JObject();
        var spec = new DomainSpec
        {
            Type = type,
            MaxMemMiB = ((long?)b["max_memkb"] ?? 32768) / 1024,
            MemoryMiB = ((long?)b["target_memkb"] ?? 32768) / 1024,
            MaxVcpus = (int?)b["max_vcpus"] ?? 1,
            Vcpus = (b["avail_vcpus"] as JArray)?.Count ?? 1,
            Kernel = (string?)ti["kernel"] ?? (string?)b["kernel"],
            Cmdline = (string?)ti["cmdline"] ?? (string?)b["cmdline"],
            Ramdisk = (string?)ti["ramdisk"] ?? (string?)b["ramdisk"],
            Bootloader = (string?)ti["bootloader"],
            OnPoweroff = (string?)o["on_poweroff"] ?? "destroy", OnReboot = (string?)o["on_reboot"] ?? "restart",
            OnWatchdog = (string?)o["on_watchdog"] ?? "destroy", OnCrash = (string?)o["on_crash"] ?? "destroy",
            Disks = (o["disks"] as JArray ?? new JArray()).Select(x => new DiskSpec
            {
                Target = (string?)x["pdev_path"] ?? "", Vdev = (string?)x["vdev"] ?? "", Backend = (string?)x["backend"] ?? "phy",
                Format = (string?)x["format"] ?? "raw", ReadWrite = (int?)x["readwrite"] != 0, IsCdrom = (int?)x["is_cdrom"] == 1,
                DeviceNumber = new SmartDomains.XlConfig.XlDiskSpec("", "raw", (string?)x["vdev"] ?? "", true, false, "phy").DeviceNumber,
            }).ToList(),
            Nics = (o["nics"] as JArray ?? new JArray()).Select(x => new NicSpec
            {
                Devid = (int?)x["devid"] ?? 0, Mac = (string?)x["mac"] ?? "", Bridge = (string?)x["bridge"] ?? "xenbr0",
                Ip = (string?)x["ip"], Script = (string?)x["script"], VifName = (string?)x["ifname"], Model = (string?)x["model"],
                Rate = (string?)x["rate_bytes_per_interval"], Mtu = (int?)x["mtu"], Type = (string?)x["nictype"],
            }).ToList(),
        };
        return ((string?)c["name"] ?? "", (string?)c["uuid"], spec);
    }

    private static void Add(JObject o, string key, string? value) { if (value != null) o[key] = value; }
}
