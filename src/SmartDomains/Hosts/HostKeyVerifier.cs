namespace SmartDomains.Hosts;

public enum HostKeyVerdict { Trusted, TrustedAndRecorded, Unknown, Mismatch, PinMismatch }

/// <summary>Decides whether a presented host key is trusted under a policy. Runs on SSH.NET's thread, so it holds no PowerShell state.</summary>
public sealed class HostKeyVerifier
{
    private readonly HostKeyPolicy _policy;
    private readonly KnownHostsFile _knownHosts;

    public HostKeyVerifier(HostKeyPolicy policy, KnownHostsFile knownHosts)
    {
        _policy = policy;
        _knownHosts = knownHosts;
    }

    public HostKeyVerdict Verify(string host, int port, string keyType, byte[] key)
    {
        var fingerprint = KnownHostsFile.Fingerprint(key);
        if (_policy.Kind == HostKeyPolicyKind.Pinned)
            return fingerprint == _policy.PinnedFingerprint ? HostKeyVerdict.Trusted : HostKeyVerdict.PinMismatch;

        var known = _knownHosts.Find(host, port);
        if (known.Any(e => e.KeyType == keyType && e.Key.AsSpan().SequenceEqual(key))) return HostKeyVerdict.Trusted;
        // Any other key on record for this host means it changed: refuse, as OpenSSH does.
        if (known.Count > 0) return HostKeyVerdict.Mismatch;
        if (_policy.Kind != HostKeyPolicyKind.AcceptNew) return HostKeyVerdict.Unknown;
        _knownHosts.Add(host, port, keyType, key);
        return HostKeyVerdict.TrustedAndRecorded;
    }
}
