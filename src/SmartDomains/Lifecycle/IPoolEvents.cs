using SmartDomains.Remote;

namespace SmartDomains.Lifecycle;

/// <summary>What the workflow reports as it goes: state changes and every host command. Called from worker threads.</summary>
public interface IPoolEvents
{
    void StateChanged(string pool, string domain, string host, string state, string? message);
    void CommandCompleted(string pool, string? domain, CommandResult result);
}

public sealed class NoPoolEvents : IPoolEvents
{
    public static readonly NoPoolEvents Instance = new();
    public void StateChanged(string pool, string domain, string host, string state, string? message) { }
    public void CommandCompleted(string pool, string? domain, CommandResult result) { }
}
