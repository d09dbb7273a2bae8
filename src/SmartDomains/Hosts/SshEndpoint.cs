using SmartDomains.Transport.OpenSsh;

namespace SmartDomains.Hosts;

/// <summary>
/// Where an SSH host is and how to log in: the parameters the operator gave win, then the ssh config (what ssh -G says),
/// then the module's defaults (port 22, user root; for SSH.NET the first of ~/.ssh/id_ed25519, id_ecdsa, id_rsa). So one ssh
/// config serves both transports.
/// </summary>
public sealed record SshEndpoint(string ComputerName, int Port, string User, string? KeyFile)
{
    /// <summary>The keys SSH.NET tries when neither a key, a credential nor the ssh config names one.</summary>
    public static readonly string[] DefaultKeyNames = { "id_ed25519", "id_ecdsa", "id_rsa" };

    /// <param name="name">The name as given: an alias, a DNS name or an address.</param>
    /// <param name="config">ssh -G's answer for it, or null where no ssh client is installed.</param>
    /// <param name="user">-User, or the credential's user name; null when neither was given.</param>
    /// <param name="localUser">This account's login name: what ssh -G reports as the user when the config sets none.</param>
    public static SshEndpoint Resolve(string name, SshHostConfig? config, int? port, string? user, string? keyFile,
        HostTransport transport, bool hasCredential, string home, string localUser, Func<string, bool> fileExists)
    {
        var configUser = config is not null && config.User != localUser ? config.User : null;
        return new SshEndpoint(
            config?.HostName ?? name,
            port ?? config?.Port ?? 22,
            user ?? configUser ?? "root",
            keyFile ?? (transport == HostTransport.OpenSSH ? null : SshNetKey(config, hasCredential, home, localUser, fileExists)));
    }

    // OpenSSH finds its own keys (the config's IdentityFile, the agent, ~/.ssh/id_*); SSH.NET is handed one file.
    private static string? SshNetKey(SshHostConfig? config, bool hasCredential, string home, string localUser, Func<string, bool> fileExists)
    {
        if (config is { SetsIdentityFiles: true })
        {
            var configured = config.IdentityFiles.Select(f => config.ExpandPath(f, home, localUser)).FirstOrDefault(fileExists);
            if (configured is not null) return configured;
        }
        return hasCredential ? null : DefaultKeyNames.Select(k => Path.Combine(home, ".ssh", k)).FirstOrDefault(fileExists);
    }
}
