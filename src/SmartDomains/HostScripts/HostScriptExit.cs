namespace SmartDomains.HostScripts;

/// <summary>
/// Every exit code a host script (or the shell and <c>timeout</c> around it) can end with. A script's header declares the
/// ones it uses by these names; C# decides on them, never on stderr text. Where a sysexits.h or errno value fits, it is that.
/// </summary>
public enum HostScriptExit
{
    Ok = 0,
    /// <summary>A step failed; stderr says which.</summary>
    Failed = 1,
    /// <summary>The target is there and is not the module's (EEXIST).</summary>
    Exists = 17,
    /// <summary>A directory still holds something (ENOTEMPTY).</summary>
    NotEmpty = 39,
    /// <summary>A checksum differs, or an archive holds what it must not (EX_DATAERR).</summary>
    Corrupt = 65,
    /// <summary>A value cannot be written where it must go (a lease scope that is not one word) (EX_USAGE).</summary>
    Usage = 64,
    /// <summary>A file is missing or is not a regular file (EX_NOINPUT).</summary>
    Missing = 66,
    /// <summary>The liveness probe's connect failed (EX_UNAVAILABLE).</summary>
    Unreachable = 69,
    /// <summary>Another controller holds a live lease that covers what was asked (EX_TEMPFAIL).</summary>
    Busy = 75,
    /// <summary>The journal changed since it was read (EX_PROTOCOL).</summary>
    Changed = 76,
    /// <summary>A file the module is about to remove was not written by it (EX_NOPERM).</summary>
    NotOurs = 77,
    /// <summary><c>timeout</c> stopped the command.</summary>
    TimedOut = 124,
    /// <summary>The shell found the program but could not run it.</summary>
    CannotExecute = 126,
    /// <summary>A tool the script needs is not installed (the shell's "not found" code, and need() in lib/need.sh).</summary>
    ToolMissing = 127,
}
