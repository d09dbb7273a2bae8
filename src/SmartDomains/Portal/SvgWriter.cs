using System.Globalization;
using System.Text;
using System.Xml;
using System.Xml.Linq;

namespace SmartDomains.Portal;

/// <summary>
/// Small builders for SVG elements. Text goes in through XElement, which escapes it, so no value of a pool can become
/// markup; numbers are written in the invariant culture, so the output is the same on every machine.
/// </summary>
internal static class SvgWriter
{
    public static readonly XNamespace Svg = "http://www.w3.org/2000/svg";

    public static XElement Element(string name, params object?[] content) => new(Svg + name, content);

    public static XAttribute Attr(string name, string value) => new(name, value);

    public static XAttribute Attr(string name, double value) => new(name, Number(value));

    public static XElement Rect(Box box, string cssClass, double radius = 0) => Element("rect",
        Attr("x", box.X), Attr("y", box.Y), Attr("width", Math.Max(0, box.Width)), Attr("height", Math.Max(0, box.Height)),
        radius > 0 ? Attr("rx", radius) : null, Attr("class", cssClass));

    public static XElement Text(double x, double y, string cssClass, string text) =>
        Element("text", Attr("x", x), Attr("y", y), Attr("class", cssClass), text);

    /// <summary>A title: the hover text of its parent element in a browser.</summary>
    public static XElement Title(string text) => Element("title", text);

    public static string Number(double value) => Math.Round(value, 1).ToString("0.#", CultureInfo.InvariantCulture);

    /// <summary>Text cut to <paramref name="max"/> characters, with an ellipsis when it was longer.</summary>
    public static string Fit(string text, int max) => text.Length <= max ? text : text[..Math.Max(0, max - 1)] + "\u2026";

    /// <summary>Indented, "\n" line ends, no XML declaration (an SVG file is UTF-8 by default).</summary>
    public static string Serialize(XElement root)
    {
        var settings = new XmlWriterSettings { Indent = true, IndentChars = "  ", NewLineChars = "\n", OmitXmlDeclaration = true };
        var output = new StringBuilder();
        using (var writer = XmlWriter.Create(output, settings)) root.Save(writer);
        return output.Append('\n').ToString();
    }
}
