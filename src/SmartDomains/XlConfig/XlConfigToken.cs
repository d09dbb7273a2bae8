namespace SmartDomains.XlConfig;

/// <summary>Terminal symbols, numbered as in libxlutil's bison grammar (the numbers order "expecting" lists).</summary>
internal enum XlTok
{
    End = 0, Error = 1, Undefined = 2, Ident = 3, String = 4, Number = 5, Newline = 6,
    OpAdd = 7, Equals = 8, Semicolon = 9, LBracket = 10, RBracket = 11, Comma = 12,
}

internal readonly record struct XlToken(XlTok Kind, string? Text, int Line);
