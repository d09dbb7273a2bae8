namespace SmartDomains.Hosts;

public enum HostKeyPolicyKind { Strict, AcceptNew, Pinned }

/// <summary>How a host key is trusted: only if known_hosts has it, also when the host is new, or only one exact fingerprint.</summary>
public sealed record HostKeyPolicy(HostKeyPolicyKind Kind, string? PinnedFingerprint = null)
{
    public static readonly HostKeyPolicy Strict = new(HostKeyPolicyKind.Strict);
    public static readonly HostKeyPolicy AcceptNew = new(HostKeyPolicyKind.AcceptNew);

    /// <summary>Parses "Strict", "AcceptNew", or a SHA256 fingerprint ("SHA256:base64" or the bare base64 part).</summary>
    public static HostKeyPolicy Parse(string text)
    {
        if (string.Equals(text, "Strict", StringComparison.OrdinalIgnoreCase)) return Strict;
        if (string.Equals(text, "AcceptNew", StringComparison.OrdinalIgnoreCase)) return AcceptNew;
        var fp = text.StartsWith("SHA256:", StringComparison.Ordinal) ? text["SHA256:".Length..] : text;
        fp = fp.TrimEnd('=');
        if (fp.Length != 43 || !IsBase64(fp))
            throw new ArgumentException(
                $"'{text}' is not a host key policy. Use Strict, AcceptNew, or a SHA256 fingerprint such as SHA256:{new string('A', 43)} (as ssh-keygen -lf prints it).");
        return new HostKeyPolicy(HostKeyPolicyKind.Pinned, fp);
    }

    private static bool IsBase64(string s)
    {
        try { Convert.FromBase64String(s + "="); return true; } catch (FormatException) { return false; }
    }

    public override string ToString() => Kind == HostKeyPolicyKind.Pinned ? "SHA256:" + PinnedFingerprint : Kind.ToString();
}
