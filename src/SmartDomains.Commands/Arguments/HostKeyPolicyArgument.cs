using SmartDomains.Hosts;

namespace SmartDomains.Commands.Arguments;

/// <summary>
/// The -HostKeyPolicy value: Strict, AcceptNew or a pinned SHA256 fingerprint, built by PowerShell from the string given.
/// A string that is no policy still binds and the cmdlet refuses it (<see cref="Policy"/> is null): a refusal during binding
/// would carry PowerShell's error id instead of XenHostKeyPolicyInvalid, which scripts rely on.
/// </summary>
public sealed class HostKeyPolicyArgument
{
    public HostKeyPolicyArgument(string text)
    {
        Text = text;
        Policy = HostKeyPolicy.TryParse(text, out var policy) ? policy : null;
    }

    public HostKeyPolicyArgument(HostKeyPolicy policy) => (Text, Policy) = (policy.ToString(), policy);

    /// <summary>The value as given.</summary>
    public string Text { get; }

    /// <summary>The policy, or null when <see cref="Text"/> is none.</summary>
    public HostKeyPolicy? Policy { get; }

    public override string ToString() => Text;
}
