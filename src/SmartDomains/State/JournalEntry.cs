using Newtonsoft.Json;
using Newtonsoft.Json.Linq;

namespace SmartDomains.State;

/// <summary>What a journal line says happened to a resource.</summary>
public enum JournalOp { Begin, Done, Failed, Undo, Undone }

/// <summary>The kinds of resource the module makes on a host.</summary>
public static class ResourceKinds
{
    public const string Pool = "pool";           // a pool's record on this host: its plan, for Get-XenPool
    public const string Config = "config";       // an xl.cfg file
    public const string Image = "image";         // a disk image file
    public const string Volume = "volume";       // an LVM logical volume
    public const string BaseImage = "base-image";// a cached base image, shared by pools
    public const string Domain = "domain";       // a running domain
    public const string Directory = "directory"; // a directory the module created
}

/// <summary>One line of a host journal (JSON lines). Recorded before a resource is made, and again when it is.</summary>
public sealed class JournalEntry
{
    [JsonProperty("time")] public DateTimeOffset Time { get; init; } = DateTimeOffset.UtcNow;
    [JsonProperty("controller")] public string Controller { get; init; } = JournalIdentity.Controller;
    [JsonProperty("op"), JsonConverter(typeof(Newtonsoft.Json.Converters.StringEnumConverter), typeof(Newtonsoft.Json.Serialization.CamelCaseNamingStrategy))]
    public JournalOp Op { get; init; }
    [JsonProperty("kind")] public required string Kind { get; init; }
    /// <summary>The resource: a path for files and volumes, a name for domains and pools.</summary>
    [JsonProperty("resource")] public required string Resource { get; init; }
    [JsonProperty("pool", NullValueHandling = NullValueHandling.Ignore)] public string? Pool { get; init; }
    [JsonProperty("domain", NullValueHandling = NullValueHandling.Ignore)] public string? Domain { get; init; }
    [JsonProperty("data", NullValueHandling = NullValueHandling.Ignore)] public JObject? Data { get; init; }

    [JsonIgnore] public string Key => Kind + ":" + Resource;

    /// <summary>The one factory of entries, in one parameter order.</summary>
    public static JournalEntry Of(JournalOp op, string kind, string resource, string? domain = null, string? pool = null, JObject? data = null) =>
        new() { Op = op, Kind = kind, Resource = resource, Domain = domain, Pool = pool, Data = data };

    public string ToJsonLine() => JsonConvert.SerializeObject(this, Formatting.None);

    public static JournalEntry? TryParse(string line)
    {
        try { return JsonConvert.DeserializeObject<JournalEntry>(line); }
        catch (JsonException) { return null; }   // a line cut short by a crash: the step it began is unknown, so redone
    }

    public override string ToString() => $"{Op} {Kind} {Resource}";
}

/// <summary>Who wrote a journal line: host, user and process of the controller. Never a secret.</summary>
public static class JournalIdentity
{
    public static string Controller { get; } = $"{Environment.MachineName}/{Environment.UserName}/{Environment.ProcessId}";
}
