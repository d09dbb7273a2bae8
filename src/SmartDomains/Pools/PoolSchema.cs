namespace SmartDomains.Pools;

/// <summary>The shape of a value in a pool file.</summary>
public enum FieldKind { String, Integer, Size, Duration, Boolean, NameOrNames, Parameters, Object, ObjectList, ObjectMap, Windows, TimeZone }

/// <param name="Type">For a string that reaches a host: the type its value must have (after placeholders are filled).</param>
public sealed record FieldSpec(FieldKind Kind, string? ObjectName = null, string[]? Allowed = null, long Min = long.MinValue, long Max = long.MaxValue,
    HostValueType? Type = null)
{
    /// <summary>What a string value must be: its host type, or one of <see cref="Allowed"/>.</summary>
    public HostValueType? TypeOrChoice { get; } = Type ?? (Allowed is null ? null : HostValues.OneOf(Allowed));

    /// <summary>The type of a string key of an object kind ("disk", "format").</summary>
    public static HostValueType Of(string kind, string key) => PoolSchema.Objects[kind][key].TypeOrChoice!;
}

/// <summary>
/// Every key the pool language knows, per kind of object. The key names are a compatibility promise: never rename one.
/// A key ending in '+' appends to the inherited list of the same name.
/// </summary>
public static class PoolSchema
{
    public static readonly string[] DomainTypes = { "pv", "pvh", "hvm" };
    public static readonly string[] OutsideActions = { "save", "shutdown", "destroy" };
    public static readonly string[] GuestPoweroffActions = { "leave", "restart" };
    public static readonly string[] CrashActions = { "destroy", "restart", "rename-restart", "preserve", "coredump-destroy", "coredump-restart", "soft-reset" };

    public static readonly IReadOnlyDictionary<string, IReadOnlyDictionary<string, FieldSpec>> Objects =
        new Dictionary<string, IReadOnlyDictionary<string, FieldSpec>>
        {
            ["pool"] = new Dictionary<string, FieldSpec>
            {
                ["name"] = new(FieldKind.String),
                ["description"] = new(FieldKind.String),
                ["include"] = new(FieldKind.NameOrNames),
                ["parameters"] = new(FieldKind.Parameters),
                ["placement"] = new(FieldKind.Object, "poolPlacement"),
                ["images"] = new(FieldKind.Object, "poolImages"),
                ["templates"] = new(FieldKind.ObjectMap, "template"),
                ["domains"] = new(FieldKind.ObjectList, "domain"),
            },
            ["library"] = new Dictionary<string, FieldSpec>
            {
                ["description"] = new(FieldKind.String),
                ["include"] = new(FieldKind.NameOrNames),
                ["templates"] = new(FieldKind.ObjectMap, "template"),
            },
            ["poolPlacement"] = new Dictionary<string, FieldSpec>
            {
                ["policy"] = new(FieldKind.String, Allowed: new[] { "spread", "pack" }),
            },
            ["poolImages"] = new Dictionary<string, FieldSpec>
            {
                ["base"] = new(FieldKind.String),
                ["saved"] = new(FieldKind.String),
            },
            ["schedule"] = new Dictionary<string, FieldSpec>
            {
                ["windows"] = new(FieldKind.Windows),
                ["timeZone"] = new(FieldKind.TimeZone),
                ["outside"] = new(FieldKind.String, Allowed: OutsideActions),
            },
            ["restart"] = new Dictionary<string, FieldSpec>
            {
                ["retries"] = new(FieldKind.Integer, Min: 0, Max: 1000),
                ["resetAfter"] = new(FieldKind.Duration),
                ["guestPoweroff"] = new(FieldKind.String, Allowed: GuestPoweroffActions),
            },
            ["template"] = DomainFields(withName: false),
            ["domain"] = DomainFields(withName: true),
            ["disk"] = new Dictionary<string, FieldSpec>
            {
                ["size"] = new(FieldKind.Size),
                ["format"] = new(FieldKind.String, Allowed: new[] { "raw", "qcow2" }),
                ["backend"] = new(FieldKind.String, Allowed: new[] { "file", "lvm" }),
                ["volumeGroup"] = new(FieldKind.String, Type: HostValues.VolumeGroup),
                ["from"] = new(FieldKind.String, Type: HostValues.ImageName),
                ["filesystem"] = new(FieldKind.String, Allowed: new[] { "ext4" }),
                ["vdev"] = new(FieldKind.String, Type: HostValues.Vdev),
                ["access"] = new(FieldKind.String, Allowed: new[] { "rw", "ro" }),
            },
            ["nic"] = new Dictionary<string, FieldSpec>
            {
                ["bridge"] = new(FieldKind.String, Type: HostValues.Bridge),
                ["mac"] = new(FieldKind.String, Type: HostValues.Mac),
                ["ip"] = new(FieldKind.String, Type: HostValues.IpAddress),
                ["model"] = new(FieldKind.String, Type: HostValues.NicModel),
            },
            ["liveness"] = new Dictionary<string, FieldSpec>
            {
                ["port"] = new(FieldKind.Integer, Min: 1, Max: 65535),
                ["timeout"] = new(FieldKind.Duration),
                ["retries"] = new(FieldKind.Integer, Min: 0, Max: 1000),
                ["interval"] = new(FieldKind.Duration),
                ["enabled"] = new(FieldKind.Boolean),
            },
            ["placement"] = new Dictionary<string, FieldSpec>
            {
                ["host"] = new(FieldKind.String),
                ["antiAffinity"] = new(FieldKind.String),
                ["policy"] = new(FieldKind.String, Allowed: new[] { "spread", "pack" }),
            },
        };

    private static Dictionary<string, FieldSpec> DomainFields(bool withName)
    {
        var fields = new Dictionary<string, FieldSpec>
        {
            ["extends"] = new(FieldKind.NameOrNames),
            ["description"] = new(FieldKind.String),
            ["type"] = new(FieldKind.String, Allowed: DomainTypes),
            ["memory"] = new(FieldKind.Size),
            ["maxmem"] = new(FieldKind.Size),
            ["vcpus"] = new(FieldKind.Integer, Min: 1, Max: 512),
            ["maxvcpus"] = new(FieldKind.Integer, Min: 1, Max: 512),
            ["kernel"] = new(FieldKind.String, Type: HostValues.AbsolutePath),
            ["ramdisk"] = new(FieldKind.String, Type: HostValues.AbsolutePath),
            ["cmdline"] = new(FieldKind.String, Type: HostValues.Text),
            ["bootloader"] = new(FieldKind.String, Type: HostValues.Bootloader),
            ["onCrash"] = new(FieldKind.String, Allowed: CrashActions),
            ["onPoweroff"] = new(FieldKind.String, Allowed: CrashActions),
            ["onReboot"] = new(FieldKind.String, Allowed: CrashActions),
            ["disks"] = new(FieldKind.ObjectList, "disk"),
            ["disks+"] = new(FieldKind.ObjectList, "disk"),
            ["network"] = new(FieldKind.ObjectList, "nic"),
            ["network+"] = new(FieldKind.ObjectList, "nic"),
            ["liveness"] = new(FieldKind.Object, "liveness"),
            ["placement"] = new(FieldKind.Object, "placement"),
            ["schedule"] = new(FieldKind.Object, "schedule"),
            ["restart"] = new(FieldKind.Object, "restart"),
            ["dependsOn"] = new(FieldKind.NameOrNames),
            ["dependsOn+"] = new(FieldKind.NameOrNames),
            ["parameters"] = new(FieldKind.Parameters),
        };
        if (withName)
        {
            fields["name"] = new(FieldKind.String);
            fields["count"] = new(FieldKind.Integer, Min: 1, Max: 1000);
        }
        return fields;
    }

    /// <summary>The closest known key, when one is close enough to be a likely typo.</summary>
    public static string? Suggest(string unknown, IEnumerable<string> known)
    {
        string? best = null;
        var bestDistance = int.MaxValue;
        foreach (var k in known)
        {
            var d = Distance(unknown.ToLowerInvariant(), k.ToLowerInvariant());
            if (d < bestDistance) (best, bestDistance) = (k, d);
        }
        return best is not null && bestDistance <= Math.Max(2, best.Length / 3) ? best : null;
    }

    private static int Distance(string a, string b)
    {
        var row = Enumerable.Range(0, b.Length + 1).ToArray();
        for (var i = 1; i <= a.Length; i++)
        {
            var prev = row[0];
            row[0] = i;
            for (var j = 1; j <= b.Length; j++)
            {
                var cur = row[j];
                row[j] = Math.Min(Math.Min(row[j] + 1, row[j - 1] + 1), prev + (a[i - 1] == b[j - 1] ? 0 : 1));
                prev = cur;
            }
        }
        return row[b.Length];
    }
}
