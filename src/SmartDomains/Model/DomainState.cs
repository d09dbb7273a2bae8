namespace SmartDomains.Model;

/// <summary>A domain's state, as the letters of `xl list` show it.</summary>
public enum DomainState { Running, Blocked, Paused, Shutdown, Crashed, Dying, Unknown }

/// <summary>Why a domain shut down: the fifth letter column of `xl list` ("-rscwS").</summary>
public enum ShutdownReason { None, Poweroff, Reboot, Suspend, Crash, Watchdog, SoftReset }
