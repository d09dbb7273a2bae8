namespace SmartDomains.Portal.Server;

/// <summary>
/// Turns a path from a request into a full path inside one folder, or null. Only plain relative paths pass: no "..", ".",
/// empty or dot-led segments (hidden files, the temp files of saves), no backslash, colon, control character or NUL, no
/// percent sign left after the one decoding (a double encoding such as %252e), no Windows device names, and nothing that a
/// symbolic link anywhere along the way leads out of the folder.
/// </summary>
public sealed class PortalPathResolver
{
    private const int MaxLinkHops = 40;
    private static readonly StringComparison PathComparison =
        OperatingSystem.IsWindows() || OperatingSystem.IsMacOS() ? StringComparison.OrdinalIgnoreCase : StringComparison.Ordinal;
    private static readonly HashSet<string> DeviceNames = new(StringComparer.OrdinalIgnoreCase)
    {
        "CON", "PRN", "AUX", "NUL", "COM1", "COM2", "COM3", "COM4", "COM5", "COM6", "COM7", "COM8", "COM9",
        "LPT1", "LPT2", "LPT3", "LPT4", "LPT5", "LPT6", "LPT7", "LPT8", "LPT9",
    };

    public PortalPathResolver(string root)
    {
        Root = Path.TrimEndingDirectorySeparator(Path.GetFullPath(root));
        RealRoot = RealPath(Root) ?? Root;
    }

    /// <summary>The folder, as given (made absolute).</summary>
    public string Root { get; }

    /// <summary>The folder with every symbolic link on its way resolved: what a resolved path must stay inside.</summary>
    public string RealRoot { get; }

    /// <summary>The full path of a '/'-separated relative path that was percent-decoded once, or null when it is refused.</summary>
    public string? Resolve(string relative)
    {
        if (!IsPlainRelative(relative)) return null;
        var full = Path.GetFullPath(Path.Combine(Root, relative.Replace('/', Path.DirectorySeparatorChar)));
        if (!IsInside(full, Root)) return null;
        return RealPath(full) is { } real && IsInside(real, RealRoot) ? full : null;
    }

    /// <summary>The '/'-separated path of a full path under the folder.</summary>
    public string Relative(string fullPath) => Path.GetRelativePath(Root, fullPath).Replace(Path.DirectorySeparatorChar, '/');

    /// <summary>True for a path of plain names joined by '/'; see the class comment.</summary>
    public static bool IsPlainRelative(string relative)
    {
        if (relative.Length == 0 || relative.Length > 4096) return false;
        if (relative.Any(c => char.IsControl(c) || c is '\\' or ':') || !IsWellFormed(relative)) return false;
        return relative.Split('/').All(IsPlainName);
    }

    private static bool IsPlainName(string name) =>
        name.Length is > 0 and <= 255
        && name[0] != '.'
        && !name.EndsWith(' ') && !name.EndsWith('.')
        && !HasPercentEscape(name)
        && !DeviceNames.Contains(name.Split('.')[0]);

    private static bool HasPercentEscape(string name)
    {
        for (var i = 0; i + 2 < name.Length; i++)
            if (name[i] == '%' && Uri.IsHexDigit(name[i + 1]) && Uri.IsHexDigit(name[i + 2])) return true;
        return false;
    }

    // A lone surrogate has no file name on any file system; a decoder that let one through is refused here too.
    private static bool IsWellFormed(string text)
    {
        for (var i = 0; i < text.Length; i++)
        {
            if (!char.IsSurrogate(text[i])) continue;
            if (!char.IsSurrogatePair(text, i)) return false;
            i++;
        }
        return true;
    }

    private static bool IsInside(string full, string root) =>
        full.Length > root.Length
        && full.StartsWith(root, PathComparison)
        && (full[root.Length] == Path.DirectorySeparatorChar || root.EndsWith(Path.DirectorySeparatorChar));

    /// <summary>
    /// The path with every symbolic link (or junction) along it replaced by its target, as realpath(3) would, except that
    /// missing trailing parts are kept as written. Null for a loop of links.
    /// </summary>
    public static string? RealPath(string fullPath)
    {
        var current = Path.GetPathRoot(fullPath)!;
        var pending = new Stack<string>(Segments(fullPath[current.Length..]).Reverse());
        var hops = 0;
        while (pending.Count > 0)
        {
            var segment = pending.Pop();
            if (segment == ".") continue;
            if (segment == "..")
            {
                current = Path.GetDirectoryName(current) ?? current;
                continue;
            }
            var next = Path.Combine(current, segment);
            var target = LinkTarget(next);
            if (target is null)
            {
                current = next;
                continue;
            }
            if (++hops > MaxLinkHops) return null;
            if (Path.IsPathRooted(target)) current = Path.GetPathRoot(target)!;
            foreach (var part in Segments(Path.IsPathRooted(target) ? target[current.Length..] : target).Reverse()) pending.Push(part);
        }
        return current;
    }

    private static string? LinkTarget(string path)
    {
        try { return new FileInfo(path).LinkTarget; }
        catch (IOException) { return null; }
        catch (UnauthorizedAccessException) { return null; }
    }

    private static IEnumerable<string> Segments(string path) =>
        path.Split(new[] { Path.DirectorySeparatorChar, Path.AltDirectorySeparatorChar }, StringSplitOptions.RemoveEmptyEntries);
}
