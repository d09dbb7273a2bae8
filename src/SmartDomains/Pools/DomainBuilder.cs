using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using Newtonsoft.Json.Linq;

namespace SmartDomains.Pools;

/// <summary>Turns one merged domain declaration into its final PoolDomain values, expanding count.</summary>
public sealed class DomainBuilder
{
    private readonly string _poolName;
    private readonly PoolDiagnostics _diagnostics;
    private readonly IReadOnlyDictionary<string, string> _poolParameters;
    private readonly IReadOnlyDictionary<string, string> _callerParameters;

    public DomainBuilder(string poolName, PoolDiagnostics diagnostics,
        IReadOnlyDictionary<string, string> poolParameters, IReadOnlyDictionary<string, string> callerParameters)
    {
        _poolName = poolName;
        _diagnostics = diagnostics;
        _poolParameters = poolParameters;
        _callerParameters = callerParameters;
    }

    public IReadOnlyList<PoolDomain> Build(JObject declaration, string file, TemplateResolver.Resolved resolved)
    {
        var fields = resolved.Fields;
        var parameters = MergeParameters(fields);
        var reader = new Reader(fields, file, _diagnostics, parameters, declaration);

        var nameToken = declaration["name"];
        if (nameToken is null)
        {
            _diagnostics.Add(file, declaration, "a domain needs a name");
            return Array.Empty<PoolDomain>();
        }
        if (nameToken.Type != JTokenType.String) return Array.Empty<PoolDomain>();
        var groupName = (string)nameToken!;
        var count = Count(declaration, file, parameters);
        var (line, column) = declaration is Newtonsoft.Json.IJsonLineInfo li && li.HasLineInfo() ? (li.LineNumber, li.LinePosition) : (0, 0);

        var type = reader.Typed("domain", "type") ?? "pvh";
        var memory = reader.SizeMiB("memory");
        var kernel = reader.Typed("domain", "kernel");
        var bootloader = reader.Typed("domain", "bootloader");
        if (memory is null && !fields.Fields.ContainsKey("memory"))
            _diagnostics.Add(file, declaration, $"domain '{groupName}' has no memory; set it or extend a template that does");
        if (type == "pv" && kernel is null && bootloader is null)
            _diagnostics.Add(file, declaration, $"domain '{groupName}' is PV but has neither a kernel nor a bootloader");
        var maxmem = reader.SizeMiB("maxmem");
        if (maxmem is not null && memory is not null && maxmem < memory)
            _diagnostics.Add(file, fields.Fields["maxmem"] is MergedLeaf l ? l.Token : declaration, $"maxmem ({maxmem} MiB) is less than memory ({memory} MiB)");
        var vcpus = reader.Integer("vcpus", 1, 512) ?? 1;
        var maxvcpus = reader.Integer("maxvcpus", 1, 512) ?? 0;
        if (maxvcpus != 0 && maxvcpus < vcpus)
            _diagnostics.Add(file, declaration, $"maxvcpus ({maxvcpus}) is less than vcpus ({vcpus})");

        var placement = reader.Object("placement");
        var liveness = reader.Object("liveness");
        var schedule = Schedule(reader.Object("schedule"), reader);
        var restart = Restart(reader.Object("restart"), reader);
        var domains = new List<PoolDomain>();
        foreach (var (name, index) in ExpandNames(groupName, count, nameToken, file))
        {
            domains.Add(new PoolDomain
            {
                Name = name,
                GroupName = groupName,
                Index = index,
                Type = type,
                MemoryMiB = memory ?? 0,
                MaxMemMiB = maxmem ?? memory ?? 0,
                VCpus = vcpus,
                MaxVCpus = maxvcpus == 0 ? vcpus : maxvcpus,
                Kernel = kernel,
                Ramdisk = reader.Typed("domain", "ramdisk"),
                Cmdline = reader.Typed("domain", "cmdline"),
                Bootloader = bootloader,
                OnCrash = reader.Typed("domain", "onCrash") ?? "destroy",
                OnPoweroff = reader.Typed("domain", "onPoweroff") ?? "destroy",
                OnReboot = reader.Typed("domain", "onReboot") ?? "restart",
                Disks = reader.List("disks").Select((d, i) => Disk(d, i, reader)).ToArray(),
                Network = reader.List("network").Select((n, i) => Nic(n, i, name, reader)).ToArray(),
                Liveness = Liveness(liveness, reader),
                Schedule = schedule,
                Restart = restart,
                PinnedHost = placement is null ? null : reader.With(placement).String("host"),
                AntiAffinity = placement is null ? null : reader.With(placement).String("antiAffinity"),
                PlacementPolicy = placement is null ? null : reader.With(placement).Typed("placement", "policy"),
                DependsOn = reader.Names("dependsOn"),
                Origins = Origins(reader, file, declaration),
                TemplateChain = resolved.Chain,
                Parameters = parameters,
                Source = $"{file}:{line}:{column}",
            });
        }
        return domains;
    }

    /// <summary>count is the domain's own (never inherited); a placeholder is filled and range-checked.</summary>
    private int Count(JObject declaration, string file, IReadOnlyDictionary<string, string> parameters)
    {
        var token = declaration["count"];
        if (token is null) return 1;
        if (SchemaValidator.TryLong(token, out var literal)) return literal is >= 1 and <= 1000 ? (int)literal : 1;
        if (token.Type != JTokenType.String) return 1;
        var text = ParameterSubstitution.Fill((string)token!, parameters, out var missing);
        if (text is null)
            _diagnostics.Add(file, token, $"parameter {string.Join(", ", missing.Select(m => "'" + m + "'"))} has no value");
        else if (!int.TryParse(text, out var n) || n < 1 || n > 1000)
            _diagnostics.Add(file, token, SchemaValidator.RangeMessage("count", 1, 1000, $"'{text}'"));
        else return n;
        return 1;
    }

    /// <summary>Where the values that later checks complain about were written.</summary>
    private static IReadOnlyDictionary<string, PoolError> Origins(Reader reader, string file, JObject declaration)
    {
        var origins = new Dictionary<string, PoolError>();
        foreach (var key in new[] { "memory", "dependsOn" })
        {
            var (token, origin) = reader.Where(key) ?? ((JToken)declaration, file);
            var info = (Newtonsoft.Json.IJsonLineInfo)token;
            origins[key] = new PoolError(origin, Math.Max(1, info.LineNumber), Math.Max(1, info.LinePosition), token.Path, "");
        }
        return origins;
    }

    private IReadOnlyDictionary<string, string> MergeParameters(MergedObject fields)
    {
        var result = new Dictionary<string, string>(StringComparer.Ordinal);
        if (fields.Fields.TryGetValue("parameters", out var p) && p is MergedObject defaults)
            foreach (var (key, value) in defaults.Fields)
                if (value is MergedLeaf leaf) result[key] = Scalar(leaf.Token);
        foreach (var (k, v) in _poolParameters) result[k] = v;
        foreach (var (k, v) in _callerParameters) result[k] = v;
        return result;
    }

    internal static string Scalar(JToken token) => token.Type switch
    {
        JTokenType.Boolean => (bool)token ? "true" : "false",
        JTokenType.Float => ((double)token).ToString(CultureInfo.InvariantCulture),
        _ => token.ToString(),
    };

    private IEnumerable<(string Name, int Index)> ExpandNames(string groupName, int count, JToken nameToken, string file)
    {
        var hasPattern = groupName.Contains("{n", StringComparison.Ordinal);
        for (var i = 1; i <= count; i++)
        {
            var name = hasPattern ? FormatPattern(groupName, i) : count == 1 ? groupName : $"{groupName}-{i}";
            if (name is null || !XenNames.IsValidName(name))
            {
                _diagnostics.Add(file, nameToken, $"'{name ?? groupName}' is not a valid domain name: {XenNames.NameRule}");
                yield break;
            }
            yield return (name, i);
        }
    }

    /// <summary>"web-{n}" or "web-{n:00}" with n = 1..count.</summary>
    private static string? FormatPattern(string pattern, int n)
    {
        try { return string.Format(CultureInfo.InvariantCulture, pattern.Replace("{n", "{0"), n); }
        catch (FormatException) { return null; }
    }

    private static PoolDisk Disk(MergedObject disk, int index, Reader reader)
    {
        var r = reader.With(disk);
        var size = r.Bytes("size");
        var from = r.Typed("disk", "from");
        if (size is null && from is null) r.Error(disk, null, "a disk needs a size, or a base image to clone ('from')");
        var backend = r.Typed("disk", "backend") ?? "file";
        var vg = r.Typed("disk", "volumeGroup");
        if (backend == "lvm" && vg is null) r.Error(disk, "backend", "an lvm disk needs a volumeGroup");
        return new PoolDisk
        {
            SizeBytes = size ?? 0,
            Format = r.Typed("disk", "format") ?? (backend == "lvm" ? "raw" : from is null ? "raw" : "qcow2"),
            Backend = backend,
            VolumeGroup = vg,
            From = from,
            Filesystem = r.Typed("disk", "filesystem"),
            Vdev = r.Typed("disk", "vdev") ?? "xvd" + (char)('a' + index),
            Access = r.Typed("disk", "access") ?? "rw",
        };
    }

    private PoolNic Nic(MergedObject nic, int index, string domainName, Reader reader)
    {
        var r = reader.With(nic);
        var mac = r.Typed("nic", "mac");
        return new PoolNic
        {
            Bridge = r.Typed("nic", "bridge") ?? "xenbr0",
            Mac = mac?.ToLowerInvariant() ?? StableMac(domainName, index),
            Ip = r.Typed("nic", "ip"),
            Model = r.Typed("nic", "model"),
        };
    }

    /// <summary>A Xen MAC (00:16:3e, Xen's OUI) that stays the same for the same pool, domain and interface.</summary>
    private string StableMac(string domainName, int index)
    {
        var hash = SHA256.HashData(Encoding.UTF8.GetBytes($"{_poolName}/{domainName}/{index}"));
        return $"00:16:3e:{hash[0] & 0x7f:x2}:{hash[1]:x2}:{hash[2]:x2}";
    }

    private static DomainSchedule? Schedule(MergedObject? schedule, Reader reader)
    {
        if (schedule is null) return null;
        var r = reader.With(schedule);
        var windows = r.Names("windows");
        if (windows.Count == 0) r.Error(schedule, "windows", "a schedule needs windows, such as [\"Mon-Fri 19:00-07:00\", \"Sat-Sun\"]");
        // The validator checked what was written; a window or zone filled from a parameter is checked here.
        var filled = r.Where("windows") is { } w && SchemaValidator.HasPlaceholder(w.Token.ToString());
        foreach (var window in windows.Where(_ => filled))
            if (ScheduleWindow.TryParse(window, out var error) is null) r.Error(schedule, "windows", error!);
        var zone = r.String("timeZone");
        if (zone is not null && r.Where("timeZone") is { } z && SchemaValidator.HasPlaceholder(z.Token.ToString()) && TimeZones.Find(zone) is null)
            r.Error(schedule, "timeZone", TimeZones.Unknown("timeZone", zone));
        return new DomainSchedule
        {
            Windows = windows,
            TimeZone = zone,
            Outside = Enum.Parse<OutsideAction>(r.Typed("schedule", "outside") ?? "shutdown", ignoreCase: true),
        };
    }

    private static RestartPolicy Restart(MergedObject? restart, Reader reader)
    {
        if (restart is null) return new RestartPolicy();
        var r = reader.With(restart);
        return new RestartPolicy
        {
            Retries = r.Integer("retries", 0, 1000) ?? RestartPolicy.DefaultRetries,
            ResetAfter = r.Duration("resetAfter") ?? RestartPolicy.DefaultResetAfter,
            GuestPoweroff = Enum.Parse<GuestPoweroffAction>(r.Typed("restart", "guestPoweroff") ?? "leave", ignoreCase: true),
        };
    }

    private static LivenessProbe Liveness(MergedObject? liveness, Reader reader)
    {
        if (liveness is null) return new LivenessProbe();
        var r = reader.With(liveness);
        var defaults = new LivenessProbe();
        return new LivenessProbe
        {
            Enabled = r.Boolean("enabled") ?? true,
            Port = r.Integer("port", 1, 65535) ?? defaults.Port,
            Timeout = r.Duration("timeout") ?? defaults.Timeout,
            Retries = r.Integer("retries", 0, 1000) ?? defaults.Retries,
            Interval = r.Duration("interval") ?? defaults.Interval,
        };
    }
}
