namespace SmartDomains.Commands.Arguments;

/// <summary>What Wait-XenDomain -For waits for.</summary>
public enum DomainWaitCondition
{
    /// <summary>xl state running or blocked.</summary>
    Running,

    /// <summary>Running, and the guest address accepts TCP from dom0 (and answers with an SSH banner under -SshBanner).</summary>
    Network,
}
