namespace SmartDomains.Pools;

/// <summary>IANA time zones as the system's tz database knows them.</summary>
public static class TimeZones
{
    public static TimeZoneInfo? Find(string id)
    {
        // Windows names ("W. Europe Standard Time") convert too, but a pool file names zones the IANA way.
        if (!id.Contains('/', StringComparison.Ordinal) && id != "UTC") return null;
        try { return TimeZoneInfo.FindSystemTimeZoneById(id); }
        catch (Exception ex) when (ex is TimeZoneNotFoundException or InvalidTimeZoneException) { return null; }
    }

    public static string Unknown(string key, string id) =>
        $"{key} '{id}' is not a time zone this machine knows; name an IANA zone such as \"Europe/Zurich\" or \"UTC\" (the tz database, package tzdata)";
}
