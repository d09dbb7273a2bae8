using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using SmartDomains.Emulator.State;

namespace SmartDomains.Emulator.Output;

/// <summary>
/// The libxl_domain_config JSON that `xl list -l` prints and `xl save` embeds (c_info, b_info, disks, nics,
/// on_*), and the reverse mapping that `xl restore` uses.
/// </summary>
public static class DomainJson
{
    public static JsonObject Config(DomainRecord d)
    {
        var s = d.Spec;
        var typeInfo = new JsonObject();
        if (s.Type == "pv")
        {
            Add(typeInfo, "kernel", s.Kernel); Add(typeInfo, "cmdline", s.Cmdline);
            Add(typeInfo, "ramdisk", s.Ramdisk); Add(typeInfo, "bootloader", s.Bootloader);
        }
        var bInfo = new JsonObject
        {
            ["max_vcpus"] = s.MaxVcpus,
            ["avail_vcpus"] = Array(Enumerable.Range(0, s.Vcpus).Select(i => (JsonNode)i)),
            ["max_memkb"] = s.MaxMemMiB * 1024,
            ["target_memkb"] = s.MemoryMiB * 1024,
            ["sched_params"] = new JsonObject(),
            ["type." + s.Type] = typeInfo,
        };
        if (s.Type != "pv") { Add(bInfo, "kernel", s.Kernel); Add(bInfo, "cmdline", s.Cmdline); Add(bInfo, "ramdisk", s.Ramdisk); }
        return new JsonObject
        {
            ["c_info"] = new JsonObject { ["type"] = s.Type, ["name"] = d.Name, ["uuid"] = d.Uuid, ["run_hotplug_scripts"] = "True" },
            ["b_info"] = bInfo,
            ["disks"] = Array(s.Disks.Select(x =>
            {
                var o = new JsonObject { ["pdev_path"] = x.Target, ["vdev"] = x.Vdev, ["backend"] = x.Backend, ["format"] = x.Format };
                Add(o, "script", x.Script);
                o["readwrite"] = x.ReadWrite ? 1 : 0;
                o["is_cdrom"] = x.IsCdrom ? 1 : 0;
                return o;
            })),
            ["nics"] = Array(s.Nics.Select(n =>
            {
                var o = new JsonObject { ["devid"] = n.Devid, ["mac"] = n.Mac, ["bridge"] = n.Bridge };
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
    public static string Pretty(JsonNode node) => PrettyJson.Write(node);

    /// <summary>Rebuilds name, uuid and spec from an embedded config (restore).</summary>
    public static (string Name, string? Uuid, DomainSpec Spec) Parse(string json)
    {
        var o = JsonNode.Parse(json, documentOptions: new JsonDocumentOptions { AllowTrailingCommas = true, CommentHandling = JsonCommentHandling.Skip })!.AsObject();
        var c = o["c_info"]!.AsObject();
        var b = o["b_info"]!.AsObject();
        string type = Str(c["type"]) ?? "pv";
        var ti = b["type." + type] as JsonObject ?? new JsonObject();
        var spec = new DomainSpec
        {
            Type = type,
            MaxMemMiB = (Long(b["max_memkb"]) ?? 32768) / 1024,
            MemoryMiB = (Long(b["target_memkb"]) ?? 32768) / 1024,
            MaxVcpus = (int?)Long(b["max_vcpus"]) ?? 1,
            Vcpus = (b["avail_vcpus"] as JsonArray)?.Count ?? 1,
            Kernel = Str(ti["kernel"]) ?? Str(b["kernel"]),
            Cmdline = Str(ti["cmdline"]) ?? Str(b["cmdline"]),
            Ramdisk = Str(ti["ramdisk"]) ?? Str(b["ramdisk"]),
            Bootloader = Str(ti["bootloader"]),
            OnPoweroff = Str(o["on_poweroff"]) ?? "destroy", OnReboot = Str(o["on_reboot"]) ?? "restart",
            OnWatchdog = Str(o["on_watchdog"]) ?? "destroy", OnCrash = Str(o["on_crash"]) ?? "destroy",
            Disks = Items(o["disks"]).Select(x => new DiskSpec
            {
                Target = Str(x["pdev_path"]) ?? "", Vdev = Str(x["vdev"]) ?? "", Backend = Str(x["backend"]) ?? "phy",
                Format = Str(x["format"]) ?? "raw", ReadWrite = Long(x["readwrite"]) != 0, IsCdrom = Long(x["is_cdrom"]) == 1,
                Script = Str(x["script"]),
                DeviceNumber = new SmartDomains.XlConfig.XlDiskSpec("", "raw", Str(x["vdev"]) ?? "", true, false, "phy").DeviceNumber,
            }).ToList(),
            Nics = Items(o["nics"]).Select(x => new NicSpec
            {
                Devid = (int?)Long(x["devid"]) ?? 0, Mac = Str(x["mac"]) ?? "", Bridge = Str(x["bridge"]) ?? "xenbr0",
                Ip = Str(x["ip"]), Script = Str(x["script"]), VifName = Str(x["ifname"]), Model = Str(x["model"]),
                Rate = Str(x["rate_bytes_per_interval"]), Mtu = (int?)Long(x["mtu"]), Type = Str(x["nictype"]),
            }).ToList(),
        };
        return (Str(c["name"]) ?? "", Str(c["uuid"]), spec);
    }

    private static JsonArray Array(IEnumerable<JsonNode> items) => new(items.ToArray<JsonNode?>());

    private static IEnumerable<JsonObject> Items(JsonNode? n) => (n as JsonArray ?? new JsonArray()).Select(x => x!.AsObject());

    /// <summary>A string as written; a number or boolean as its JSON text (as Newtonsoft's string cast gave).</summary>
    private static string? Str(JsonNode? n) => n switch
    {
        null => null,
        JsonValue v when v.GetValueKind() == JsonValueKind.String => v.GetValue<string>(),
        JsonValue v when v.GetValueKind() == JsonValueKind.Null => null,
        JsonValue v => v.ToJsonString(),
        _ => throw new FormatException($"Expected a JSON value, found {n.GetValueKind()}"),
    };

    /// <summary>An integer, or a number written as a string, as Newtonsoft's long cast read it.</summary>
    private static long? Long(JsonNode? n) => n switch
    {
        null => null,
        JsonValue v when v.GetValueKind() == JsonValueKind.Number => v.TryGetValue<long>(out var l) ? l : (long)Math.Round(v.GetValue<double>()),
        JsonValue v when v.GetValueKind() == JsonValueKind.String => long.Parse(v.GetValue<string>(), CultureInfo.InvariantCulture),
        JsonValue v when v.GetValueKind() == JsonValueKind.Null => null,
        _ => throw new FormatException($"Expected an integer, found {n.GetValueKind()}"),
    };

    private static void Add(JsonObject o, string key, string? value) { if (value != null) o[key] = value; }
}
