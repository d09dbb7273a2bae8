using Newtonsoft.Json.Linq;

namespace SmartDomains.State;

/// <summary>
/// Journal records that are not resources on the host but what Sync-XenPool must know of a domain, so every controller sees
/// the same: an operator's hold, the restart budget spent, and the image a domain was saved to when its window closed.
/// Each is one journal resource per domain (KIND:DOMAIN); its newest line's op and data say where it stands.
/// </summary>
public static class DomainMarks
{
    public const string Hold = "hold";
    public const string Restarts = "restarts";
    public const string WindowSave = "window-save";

    public static readonly string[] Kinds = { Hold, Restarts, WindowSave };

    /// <summary>Stop-XenDomain's hold ("operator"), or the guest's own poweroff seen by Sync ("guest-poweroff").</summary>
    public static JournalEntry Held(string domain, string? pool, string reason, DateTimeOffset at) =>
        JournalEntry.Of(JournalOp.Done, Hold, domain, domain, pool, new JObject { ["reason"] = reason, ["since"] = at, ["by"] = JournalIdentity.Controller });

    public static JournalEntry Lifted(string domain, string? pool) => JournalEntry.Of(JournalOp.Undone, Hold, domain, domain, pool);

    public static JournalEntry Restarted(string domain, string? pool, int count, DateTimeOffset at, bool exhausted = false) =>
        JournalEntry.Of(JournalOp.Done, Restarts, domain, domain, pool, new JObject { ["count"] = count, ["last"] = at, ["exhausted"] = exhausted });

    public static JournalEntry RestartsReset(string domain, string? pool) =>
        JournalEntry.Of(JournalOp.Undone, Restarts, domain, domain, pool, new JObject { ["count"] = 0 });

    public static JournalEntry Saved(string domain, string? pool, string image, string repository, DateTimeOffset at) =>
        JournalEntry.Of(JournalOp.Done, WindowSave, domain, domain, pool, new JObject { ["image"] = image, ["repository"] = repository, ["at"] = at });

    public static JournalEntry Restored(string domain, string? pool) => JournalEntry.Of(JournalOp.Undone, WindowSave, domain, domain, pool);

    public sealed record HoldMark(string Reason, DateTimeOffset Since, string By);
    public sealed record RestartMark(int Count, DateTimeOffset Last, bool Exhausted);
    public sealed record SaveMark(string Image, string Repository, DateTimeOffset At);

    public static HoldMark? HoldOf(JournalState journal, string domain) =>
        journal.Find(Hold, domain) is { Exists: true, Last.Data: { } d }
            ? new HoldMark((string?)d["reason"] ?? "operator", d["since"]?.ToObject<DateTimeOffset>() ?? default, (string?)d["by"] ?? "") : null;

    public static RestartMark RestartsOf(JournalState journal, string domain) =>
        journal.Find(Restarts, domain) is { Exists: true, Last.Data: { } d }
            ? new RestartMark((int?)d["count"] ?? 0, d["last"]?.ToObject<DateTimeOffset>() ?? default, (bool?)d["exhausted"] ?? false)
            : new RestartMark(0, default, false);

    public static SaveMark? SavedOf(JournalState journal, string domain) =>
        journal.Find(WindowSave, domain) is { Exists: true, Last.Data: { } d } && (string?)d["image"] is { } image
            ? new SaveMark(image, (string?)d["repository"] ?? "", d["at"]?.ToObject<DateTimeOffset>() ?? default) : null;
}
