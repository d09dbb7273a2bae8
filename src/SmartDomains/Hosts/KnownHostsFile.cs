using System.Security.Cryptography;
using System.Text;

namespace SmartDomains.Hosts;

/// <summary>Reads and appends OpenSSH known_hosts files, including hashed (|1|salt|hash) host entries.</summary>
public sealed class KnownHostsFile
{
    public sealed record Entry(string HostPattern, string KeyType, byte[] Key, int LineNumber);

    public string Path { get; }

    public KnownHostsFile(string path) => Path = path;

    public static string DefaultPath =>
        System.IO.Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".ssh", "known_hosts");

    /// <summary>The name OpenSSH files a host under: bare for port 22, [host]:port otherwise.</summary>
    public static string HostKeyName(string host, int port) => port == 22 ? host : $"[{host}]:{port}";

    /// <summary>SHA256 fingerprint in OpenSSH's form, without the "SHA256:" prefix.</summary>
    public static string Fingerprint(byte[] keyBlob) => Convert.ToBase64String(SHA256.HashData(keyBlob)).TrimEnd('=');

    /// <summary>Every key recorded for the host, of any type. Revoked and CA markers are skipped.</summary>
    public IReadOnlyList<Entry> Find(string host, int port)
    {
        var name = HostKeyName(host, port);
        var found = new List<Entry>();
        if (!File.Exists(Path)) return found;
        var lineNo = 0;
        foreach (var raw in File.ReadLines(Path))
        {
            lineNo++;
            var line = raw.Trim();
            if (line.Length == 0 || line[0] == '#' || line[0] == '@') continue;
            var parts = line.Split((char[]?)null, 4, StringSplitOptions.RemoveEmptyEntries);
            if (parts.Length < 3) continue;
            if (!HostsFieldMatches(parts[0], name)) continue;
            byte[] key;
            try { key = Convert.FromBase64String(parts[2]); } catch (FormatException) { continue; }
            found.Add(new Entry(parts[0], parts[1], key, lineNo));
        }
        return found;
    }

    /// <summary>Appends a line for the host. Creates the file (mode 600) and its directory when missing.</summary>
    public void Add(string host, int port, string keyType, byte[] key)
    {
        var dir = System.IO.Path.GetDirectoryName(System.IO.Path.GetFullPath(Path));
        if (!string.IsNullOrEmpty(dir)) Directory.CreateDirectory(dir);
        var line = $"{HostKeyName(host, port)} {keyType} {Convert.ToBase64String(key)}\n";
        var isNew = !File.Exists(Path);
        var needsNewline = !isNew && new FileInfo(Path).Length > 0 && !EndsWithNewline(Path);
        File.AppendAllText(Path, (needsNewline ? "\n" : "") + line);
        if (isNew && !OperatingSystem.IsWindows())
            File.SetUnixFileMode(Path, UnixFileMode.UserRead | UnixFileMode.UserWrite);
    }

    private static bool EndsWithNewline(string path)
    {
        using var fs = File.OpenRead(path);
        fs.Seek(-1, SeekOrigin.End);
        return fs.ReadByte() == '\n';
    }

    private static bool HostsFieldMatches(string field, string name)
    {
        if (field.StartsWith("|1|", StringComparison.Ordinal)) return HashedMatches(field, name);
        var matched = false;
        foreach (var pattern in field.Split(','))
        {
            var negated = pattern.StartsWith('!');
            var p = negated ? pattern[1..] : pattern;
            if (!GlobMatches(p, name)) continue;
            if (negated) return false;
            matched = true;
        }
        return matched;
    }

    private static bool HashedMatches(string field, string name)
    {
        var parts = field.Split('|');
        if (parts.Length != 4) return false;
        try
        {
            using var hmac = new HMACSHA1(Convert.FromBase64String(parts[2]));
            var hash = hmac.ComputeHash(Encoding.UTF8.GetBytes(name));
            return CryptographicOperations.FixedTimeEquals(hash, Convert.FromBase64String(parts[3]));
        }
        catch (FormatException) { return false; }
    }

    private static bool GlobMatches(string pattern, string text)
    {
        if (!pattern.Contains('*') && !pattern.Contains('?'))
            return string.Equals(pattern, text, StringComparison.OrdinalIgnoreCase);
        var regex = "^" + System.Text.RegularExpressions.Regex.Escape(pattern).Replace("\\*", ".*").Replace("\\?", ".") + "$";
        return System.Text.RegularExpressions.Regex.IsMatch(text, regex, System.Text.RegularExpressions.RegexOptions.IgnoreCase);
    }
}
