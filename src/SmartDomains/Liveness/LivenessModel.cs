using SmartDomains.Model;

namespace SmartDomains.Liveness;

/// <summary>Which liveness check failed (None when the domain is alive).</summary>
public enum LivenessFailure { None, NotFound, NotRunning, Crashed, NoAddress, TcpRefused, TcpTimeout, BannerMismatch, HostUnreachable }

/// <summary>What to check for one domain.</summary>
public sealed class LivenessCheck
{
    public required string Domain { get; init; }
    /// <summary>The guest's IP address; null takes the first vif ip= from `xl list -l`.</summary>
    public string? Address { get; init; }
    public int Port { get; init; } = 22;
    /// <summary>Also read the first line and require it to start with "SSH-".</summary>
    public bool CheckBanner { get; init; }
    /// <summary>Per TCP attempt: the connect and (with <see cref="CheckBanner"/>) the banner must both come within it.</summary>
    public TimeSpan ProbeTimeout { get; init; } = TimeSpan.FromSeconds(3);
    /// <summary>Only the xl state (running or blocked): no address, no TCP probe, no banner. Wait-XenDomain -For Running.</summary>
    public bool StateOnly { get; init; }

    public override string ToString() => StateOnly ? $"{Domain} (state)" : $"{Domain} {Address ?? "(vif ip)"}:{Port}";
}

/// <summary>The outcome of a liveness check: which check failed, in words, and how long each took.</summary>
public sealed class LivenessResult
{
    public string Domain { get; set; } = "";
    public string Host { get; set; } = "";
    public bool Alive { get; set; }
    public LivenessFailure Failure { get; set; }
    /// <summary>The xl state, or null when the domain was not found or the host was not reached.</summary>
    public DomainState? State { get; set; }
    /// <summary>The domid xl listed, or null when the domain was not found.</summary>
    public int? DomId { get; set; }
    public string? Address { get; set; }
    public int Port { get; set; }
    /// <summary>The guest's first line (without the line end), when the banner was read.</summary>
    public string? Banner { get; set; }
    /// <summary>The xl round trip (state, and the address when it came from xl).</summary>
    public TimeSpan XlStateTime { get; set; }
    /// <summary>The TCP connect, timed on dom0; null when the probe did not run.</summary>
    public TimeSpan? TcpTime { get; set; }
    /// <summary>Reading the banner after the connect, timed on dom0; null when not read.</summary>
    public TimeSpan? BannerTime { get; set; }
    public int Attempts { get; set; }
    public TimeSpan Elapsed { get; set; }
    /// <summary>Which check failed and why, in words (or what was found alive).</summary>
    public string Message { get; set; } = "";

    public override string ToString() => $"{Domain} on {Host}: {(Alive ? "alive" : Failure.ToString())}";
}
