using Newtonsoft.Json;
using Newtonsoft.Json.Linq;
using SmartDomains.Remote;

namespace SmartDomains.Lifecycle;

/// <summary>
/// Appends one JSON object per line for every state change and host command result, so a morning reader (or jq) sees what an
/// overnight run did. Command lines carry no secrets; output is cut to keep records small.
/// </summary>
public sealed class JsonLinesLog : IPoolEvents, IDisposable
{
    private readonly StreamWriter _writer;
    private readonly object _gate = new();

    public JsonLinesLog(string path)
    {
        var dir = Path.GetDirectoryName(Path.GetFullPath(path));
        if (!string.IsNullOrEmpty(dir)) Directory.CreateDirectory(dir);
        _writer = new StreamWriter(new FileStream(path, FileMode.Append, FileAccess.Write, FileShare.ReadWrite)) { AutoFlush = true };
    }

    public void StateChanged(string pool, string domain, string host, string state, string? message) =>
        Write(new JObject { ["event"] = "state", ["pool"] = pool, ["domain"] = domain, ["host"] = host, ["state"] = state, ["message"] = message });

    public void CommandCompleted(string pool, string? domain, CommandResult result) =>
        Write(new JObject
        {
            ["event"] = "command", ["pool"] = pool, ["domain"] = domain, ["host"] = result.Host, ["command"] = result.CommandLine,
            ["exitCode"] = result.ExitCode, ["durationMs"] = (long)result.Duration.TotalMilliseconds,
            ["stderr"] = Cut(result.StdErr), ["stdout"] = Cut(result.StdOut),
        });

    public void Write(JObject record)
    {
        record.AddFirst(new JProperty("time", DateTimeOffset.UtcNow.ToString("o")));
        var line = record.ToString(Formatting.None);
        lock (_gate) _writer.WriteLine(line);
    }

    private static string? Cut(string text) => text.Length == 0 ? null : text.Length <= 2000 ? text : text[..2000] + "…";

    public void Dispose()
    {
        lock (_gate) _writer.Dispose();
    }
}

/// <summary>Sends events to several sinks (the cmdlet's progress and verbose, and the log file).</summary>
public sealed class PoolEventFanOut : IPoolEvents
{
    private readonly IPoolEvents[] _sinks;
    public PoolEventFanOut(params IPoolEvents?[] sinks) => _sinks = sinks.Where(s => s is not null).Cast<IPoolEvents>().ToArray();
    public void StateChanged(string pool, string domain, string host, string state, string? message)
    {
        foreach (var s in _sinks) s.StateChanged(pool, domain, host, state, message);
    }
    public void CommandCompleted(string pool, string? domain, CommandResult result)
    {
        foreach (var s in _sinks) s.CommandCompleted(pool, domain, result);
    }
}
