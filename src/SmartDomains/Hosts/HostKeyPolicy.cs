namespace SmartDomains.Hosts;

public enum HostKeyPolicyKind { Strict, AcceptNew, Pinned }

/// <summary>How a host key is trusted: only if known_hosts has it, also when the host is new, or only one exact fingerprint.</summary>
public sealed record HostKeyPolicy(HostKeyPolicyKind Kind, string? PinnedFingerprint = null)
{
    public static readonly HostKeyPolicy Strict = new(HostKeyPolicyKind.Strict);
    public static readonly HostKeyPolicy AcceptNew = new(HostKeyPolicyKind.AcceptNew);

    /// <summary>Parses "Strict", "AcceptNew", or a SHA256 fingerprint ("SHA256:base64" or the bare base64 part).</summary>
    public static HostKeyPolicy Parse(string text) =>
        TryParse(text, out var policy) ? policy : throw new ArgumentException(Refusal(text));

    /// <summary>Why <paramref name="text"/> is no policy, and what is.</summary>
    public static string Refusal(string text) =>
        $"'{text}' is not a host key policy. Use Strict, AcceptNew, or a SHA256 fingerprint such as SHA256:{new string('A', 43)} (as ssh-keygen -lf prints it).";

    /// <summary><see cref="Parse"/> without the exception, for callers that report the refusal themselves.</summary>
    public static bool TryParse(string text, [System.Diagnostics.CodeAnalysis.NotNullWhen(true)] out HostKeyPolicy? policy)
    {
        policy = null;
        if (string.Equals(text, "Strict", StringComparison.OrdinalIgnoreCase)) policy = Strict;
        else if (string.Equals(text, "AcceptNew", StringComparison.OrdinalIgnoreCase)) policy = AcceptNew;
        else
        {
            var fp = (text.StartsWith("SHA256:", StringComparison.Ordinal) ? text["SHA256:".Length..] : text).TrimEnd('=');
            if (fp.Length == 43 && IsBase64(fp)) policy = new HostKeyPolicy(HostKeyPolicyKind.Pinned, fp);
        }
        return policy is not null;
    }

    private static bool IsBase64(string s)
    {
        try { Convert.FromBase64String(s + "="); return true; } catch (FormatException) { return false; }
    }

    public override string ToString() => Kind == HostKeyPolicyKind.Pinned ? "SHA256:" + PinnedFingerprint : Kind.ToString();
}
