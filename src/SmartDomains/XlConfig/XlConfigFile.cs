namespace SmartDomains.XlConfig;

/// <summary>
/// A parsed xl.cfg: settings in file order. Lookups use the last setting of a name, as libxlutil's do.
/// Getters return libxlutil's rc (0, 3 missing, 22 wrong type or not a number, 34 out of range).
/// </summary>
public sealed class XlConfigFile
{
    public string SourceName { get; }
    public IReadOnlyList<XlConfigSetting> Settings { get; }

    public XlConfigFile(string sourceName, IEnumerable<XlConfigSetting> settings)
    {
        SourceName = sourceName;
        Settings = settings.ToList();
    }

    public static XlConfigParseResult Parse(string text, string sourceName = "config") => XlConfigParser.Parse(text, sourceName);

    public XlConfigSetting? Find(string name)
    {
        for (int i = Settings.Count - 1; i >= 0; i--) if (Settings[i].Name == name) return Settings[i];
        return null;
    }

    /// <summary>Names in first-appearance order, each once.</summary>
    public IEnumerable<string> Names => Settings.Select(s => s.Name).Distinct();

    public int GetString(string name, out string? value)
    {
        value = null;
        var s = Find(name);
        if (s is null) return XlConfigRc.Missing;
        if (s.Value is not XlConfigString str) return XlConfigRc.Invalid;
        value = str.Text;
        return XlConfigRc.Ok;
    }

    /// <summary>xlu_cfg_get_long: strtol(text, &amp;end, 0) with the whole string required.</summary>
    public int GetLong(string name, out long value)
    {
        value = 0;
        int rc = GetString(name, out var text);
        if (rc != 0) return rc;
        if (Find(name)!.IsAppend) return XlConfigRc.Invalid; // "can't use += with numbers"
        return ParseLong(text!, out value);
    }

    public static int ParseLong(string text, out long value)
    {
        value = 0;
        long v = CNumber.StrToL(text, 0, out int consumed, out bool overflow);
        if (overflow) return XlConfigRc.Range;
        if (consumed == 0 || consumed != text.Length) return XlConfigRc.Invalid;
        value = v;
        return XlConfigRc.Ok;
    }

    public int GetList(string name, out IReadOnlyList<XlConfigValue> items)
    {
        items = Array.Empty<XlConfigValue>();
        var s = Find(name);
        if (s is null) return XlConfigRc.Missing;
        if (s.Value is not XlConfigList list) return XlConfigRc.Invalid;
        items = list.Items;
        return XlConfigRc.Ok;
    }

    /// <summary>Convenience: the string, or null when missing or not a string.</summary>
    public string? String(string name) => GetString(name, out var v) == 0 ? v : null;

    /// <summary>List items that are strings (xlu_cfg_get_listitem returns NULL for nested lists: those are skipped).</summary>
    public IReadOnlyList<string> StringList(string name) =>
        GetList(name, out var items) == 0 ? items.OfType<XlConfigString>().Select(x => x.Text).ToList() : Array.Empty<string>();
}
