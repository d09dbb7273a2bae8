namespace SmartDomains.Emulator.Guest;

/// <summary>Starts and stops stand-in guests for domains with vif ip= addresses.</summary>
public interface IGuestLauncher
{
    /// <returns>The guest's process id, or null when none was started.</returns>
    int? Start(int domid);
    void Stop(int? pid);
}
