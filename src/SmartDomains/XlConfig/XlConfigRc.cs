namespace SmartDomains.XlConfig;

/// <summary>The errno values libxlutil's getters and parser return.</summary>
public static class XlConfigRc
{
    public const int Ok = 0;
    public const int Missing = 3;   // ESRCH
    public const int Invalid = 22;  // EINVAL: wrong type, not a number, syntax error
    public const int Range = 34;    // ERANGE
}
