using Newtonsoft.Json.Linq;

namespace SmartDomains.State;

/// <summary>
/// Which running domain is the one the module made: Start-XenPool gives each domain it creates a fresh uuid (in its xl.cfg)
/// and journals it, so a domain of the same name that someone else made later is told apart and left alone.
/// </summary>
public static class DomainIdentity
{
    public const string UuidKey = "uuid";

    /// <summary>The journal data that records a new domain's uuid.</summary>
    public static JObject Data(Guid? uuid) => new() { [UuidKey] = uuid?.ToString("D") };

    /// <summary>The uuid the journal recorded for the domain's latest making, or null (made before uuids were journaled, or restored).</summary>
    public static Guid? MadeUuid(JournalResource? domain) =>
        Guid.TryParse((string?)domain?.Data?[UuidKey], out var uuid) ? uuid : null;

    /// <summary>False only when both uuids are known and differ: the name is the same, the domain is not.</summary>
    public static bool IsTheOneMade(JournalResource? domain, Guid? running) =>
        MadeUuid(domain) is not Guid made || running is not Guid seen || made == seen;

    public static string NotOursMessage(string name, string host, JournalResource domain, Guid? running) =>
        $"A domain named {name} runs on {host}, but it is not the one SmartDomains made (its uuid is {running:D}; the journal recorded " +
        $"{MadeUuid(domain):D}); it is left alone.";
}
