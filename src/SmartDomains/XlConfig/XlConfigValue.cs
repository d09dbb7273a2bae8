namespace SmartDomains.XlConfig;

/// <summary>A value in an xl.cfg file: a string (numbers keep their text, as libxlutil does) or a list.</summary>
public abstract class XlConfigValue
{
    /// <summary>Line of the value's first token, as libxlutil records it.</summary>
    public int Line { get; }
    protected XlConfigValue(int line) => Line = line;
}

public sealed class XlConfigString : XlConfigValue
{
    public string Text { get; }
    public XlConfigString(string text, int line) : base(line) => Text = text;
    public override string ToString() => Text;
}

public sealed class XlConfigList : XlConfigValue
{
    private readonly List<XlConfigValue> _items;
    public IReadOnlyList<XlConfigValue> Items => _items;
    public XlConfigList(IEnumerable<XlConfigValue> items, int line) : base(line) => _items = items.ToList();
    internal void Add(XlConfigValue v) => _items.Add(v);
    internal void Clear() => _items.Clear();
    public override string ToString() => "[" + string.Join(", ", _items) + "]";
}
