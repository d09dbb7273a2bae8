using System.Text.RegularExpressions;

namespace SmartDomains.Pools;

/// <summary>What a domain, pool or template name may be: something both Xen and a shell take as one plain word.</summary>
public static partial class XenNames
{
    [GeneratedRegex(@"^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$")]
    private static partial Regex NamePattern();

    public static bool IsValidName(string name) => NamePattern().IsMatch(name) && name != "Domain-0" && !name.All(char.IsDigit);

    public const string NameRule = "a name must start with a letter or digit, use only letters, digits, '_', '.' and '-', be at most 64 characters, and not be all digits or Domain-0";
    // Paths and the other values that reach a host have their types in HostValues.
}
