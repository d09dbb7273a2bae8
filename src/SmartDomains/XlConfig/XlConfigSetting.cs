namespace SmartDomains.XlConfig;

/// <summary>One KEY=VALUE or KEY+=VALUE statement, in file order.</summary>
public sealed class XlConfigSetting
{
    public string Name { get; }
    public XlConfigValue Value { get; internal set; }
    /// <summary>True for '+=' (the value already holds the concatenation, as libxlutil stores it).</summary>
    public bool IsAppend { get; }
    public int Line { get; }

    public XlConfigSetting(string name, XlConfigValue value, bool isAppend, int line)
    {
        Name = name; Value = value; IsAppend = isAppend; Line = line;
    }
}
