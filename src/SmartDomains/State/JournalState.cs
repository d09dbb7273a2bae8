using Newtonsoft.Json.Linq;

namespace SmartDomains.State;

/// <summary>A resource as the journal's last word on it says.</summary>
/// <param name="Data">The newest data any of its lines carried: what its latest making recorded (a domain's uuid, say).</param>
public sealed record JournalResource(JournalEntry Last, JournalEntry First, bool EverMade = false, JObject? Data = null)
{
    public string Kind => Last.Kind;
    public string Resource => Last.Resource;
    public string? Pool => First.Pool ?? Last.Pool;
    public string? Domain => First.Domain ?? Last.Domain;
    /// <summary>Made and not removed.</summary>
    public bool Exists => Last.Op == JournalOp.Done;
    /// <summary>Begun but never finished, or its removal never finished: it may exist in part and must be cleaned.</summary>
    public bool HalfMade => Last.Op is JournalOp.Begin or JournalOp.Failed or JournalOp.Undo;
    public bool Removed => Last.Op == JournalOp.Undone;
}

/// <summary>The journal replayed: every resource ever recorded, in the order it was first recorded.</summary>
public sealed class JournalState
{
    public JournalState(IEnumerable<JournalEntry> entries)
    {
        var first = new Dictionary<string, JournalEntry>();
        var last = new Dictionary<string, JournalEntry>();
        var order = new List<string>();
        var made = new HashSet<string>();
        var data = new Dictionary<string, JObject>();
        foreach (var e in entries)
        {
            if (!first.ContainsKey(e.Key)) { first[e.Key] = e; order.Add(e.Key); }
            last[e.Key] = e;
            if (e.Op == JournalOp.Done) made.Add(e.Key);
            if (e.Data is not null) data[e.Key] = e.Data;
        }
        Resources = order.Select(k => new JournalResource(last[k], first[k], made.Contains(k), data.GetValueOrDefault(k))).ToArray();
    }

    public IReadOnlyList<JournalResource> Resources { get; }

    /// <summary>Resources that may be on the host now (made, or half-made), newest last.</summary>
    public IEnumerable<JournalResource> Live => Resources.Where(r => !r.Removed);

    public JournalResource? Find(string kind, string resource) =>
        Resources.FirstOrDefault(r => r.Kind == kind && r.Resource == resource);
}
