using System.Globalization;
using System.Text.RegularExpressions;

namespace SmartDomains.Transport.OpenSsh;

/// <summary>
/// What ssh would use for one host after every Host and Match block of its config: the output of <c>ssh -G HOST</c>, so
/// the config is read by OpenSSH itself and never by a second parser of ours.
/// </summary>
public sealed partial record SshHostConfig
{
    public required string HostName { get; init; }
    public required int Port { get; init; }
    public required string User { get; init; }
    /// <summary>IdentityFile as written (~ and % tokens unexpanded); ssh's default list when the config sets none.</summary>
    public IReadOnlyList<string> IdentityFiles { get; init; } = Array.Empty<string>();
    public string? ProxyJump { get; init; }
    public string? ProxyCommand { get; init; }

    /// <summary>False when <see cref="IdentityFiles"/> is only ssh's built-in list (~/.ssh/id_rsa, id_ecdsa, id_ed25519...).</summary>
    public bool SetsIdentityFiles => IdentityFiles.Any(f => !DefaultIdentity().IsMatch(f));

    /// <summary>True when the host is reached through another (ProxyJump or ProxyCommand), which SSH.NET cannot follow.</summary>
    public bool UsesProxy => ProxyJump is not null || ProxyCommand is not null;

    /// <summary>Reads ssh -G's "keyword value" lines (keywords in lower case; identityfile repeats).</summary>
    public static SshHostConfig Parse(string text)
    {
        string? host = null, user = null, jump = null, command = null;
        var port = 22;
        var identities = new List<string>();
        foreach (var raw in text.Split('\n'))
        {
            var line = raw.TrimEnd('\r');
            var space = line.IndexOf(' ');
            if (space <= 0) continue;
            var value = line[(space + 1)..];
            switch (line[..space].ToLowerInvariant())
            {
                case "hostname": host = value; break;
                case "user": user = value; break;
                case "port": port = int.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out var p) ? p : port; break;
                case "identityfile": identities.Add(value); break;
                case "proxyjump": jump = value == "none" ? null : value; break;
                case "proxycommand": command = value == "none" ? null : value; break;
            }
        }
        if (host is null || user is null)
            throw new FormatException("ssh -G printed no hostname or user line.");
        return new SshHostConfig { HostName = host, Port = port, User = user, IdentityFiles = identities, ProxyJump = jump, ProxyCommand = command };
    }

    /// <summary>
    /// An IdentityFile as ssh opens it: ~ and %d are the home folder, %u the local user, %h the host name, %r the remote
    /// user, %% a %. Other tokens stay as written (such a file is then not found).
    /// </summary>
    public string ExpandPath(string path, string home, string localUser)
    {
        if (path == "~" || path.StartsWith("~/", StringComparison.Ordinal)) path = home + path[1..];
        return Token().Replace(path, m => m.Value switch
        {
            "%%" => "%",
            "%d" => home,
            "%u" => localUser,
            "%h" => HostName,
            "%r" => User,
            _ => m.Value,
        });
    }

    /// <summary>
    /// Runs ssh -G (with -F when a config file is given). Null when no OpenSSH client is installed; a config ssh refuses
    /// is XenSshConfigInvalid with ssh's own message (file and line).
    /// </summary>
    public static async Task<SshHostConfig?> QueryAsync(string host, string? configFile, CancellationToken cancellationToken)
    {
        if (OpenSshClient.Ssh is null) return null;
        ChildProcess.Outcome outcome;
        try
        {
            outcome = await ChildProcess.RunAsync(OpenSshClient.StartInfo(SshArguments.Query(host, configFile)), null, null, null,
                QueryTimeout, cancellationToken).ConfigureAwait(false);
        }
        catch (TimeoutException)
        {
            throw Invalid(host, configFile, $"ssh -G did not answer within {QueryTimeout.TotalSeconds:0} s (a Match exec in the config?)");
        }
        if (outcome.ExitCode != 0) throw Invalid(host, configFile, outcome.StdErr.Trim());
        try { return Parse(outcome.StdOut); }
        catch (FormatException e) { throw Invalid(host, configFile, e.Message); }
    }

    private static readonly TimeSpan QueryTimeout = TimeSpan.FromSeconds(10);

    private static XenHostException Invalid(string host, string? configFile, string why) =>
        new(XenErrorIds.SshConfigInvalid, XenErrorCategory.InvalidData, host,
            $"ssh could not read its configuration for '{host}' ({configFile ?? "~/.ssh/config and /etc/ssh/ssh_config"}): {why}")
        { RecommendedAction = "Fix the line ssh names, or pass -SshConfigFile with a config ssh accepts." };

    [GeneratedRegex(@"^~/\.ssh/id_(rsa|dsa|ecdsa|ecdsa_sk|ed25519|ed25519_sk|xmss)$")]
    private static partial Regex DefaultIdentity();

    [GeneratedRegex("%.")]
    private static partial Regex Token();
}
