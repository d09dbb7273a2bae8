using System.Text.Json;
using SmartDomains.Emulator.Settings;

namespace SmartDomains.Emulator.State;

/// <summary>
/// state.json under an exclusive lock file. Writers replace the file atomically (write + rename),
/// so guests may read it without the lock. The lock is held only for a read-modify-write, never while sleeping.
/// </summary>
public sealed class StateStore
{
    private readonly string _dir;
    public string StatePath => Path.Combine(_dir, "state.json");
    private string LockPath => Path.Combine(_dir, "lock");

    public StateStore(string dir) => _dir = dir;

    // Where xl's monitor logs (settings' xl_log_dir), read when a transition has something to log.
    private string MonitorLogDir => Settings.EmulatorSettings.Load(_dir).XlLogDir;

    [ThreadStatic] private static bool _inUpdate;

    public static long NowMs() => DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();

    /// <summary>Reads without locking (for guests and read-only views), with lazy transitions applied in memory.</summary>
    public HostState Peek()
    {
        var s = Read();
        var monitor = new List<MonitorLine>();
        Lifecycle.Advance(s, NowMs(), monitor);
        // A transition xl's monitor would log is made for good, once, under the lock.
        if (monitor.Count > 0 && !_inUpdate) Update(_ => 0);
        return s;
    }

    /// <summary>Runs a read-modify-write under the lock; lazy transitions are applied first and saved.</summary>
    public T Update<T>(Func<HostState, T> change, Action<List<DomainRecord>>? onRemoved = null)
    {
        using var lk = LockFile.Acquire(LockPath);
        _inUpdate = true;
        try
        {
            var s = Read();
            var monitor = new List<MonitorLine>();
            var removed = Lifecycle.Advance(s, NowMs(), monitor);
            var result = change(s);
            Write(s);
            if (monitor.Count > 0) MonitorLog.Append(MonitorLogDir, monitor);
            onRemoved?.Invoke(removed);
            return result;
        }
        finally { _inUpdate = false; }
    }

    private HostState Read()
    {
        for (int attempt = 0; ; attempt++)
        {
            try
            {
                if (!File.Exists(StatePath)) return new HostState();
                return JsonSerializer.Deserialize(EmulatorJson.ReadFile(StatePath), EmulatorJson.Default.HostState) ?? new HostState();
            }
            catch (IOException) when (attempt < 20) { Thread.Sleep(5); }
        }
    }

    private void Write(HostState s)
    {
        var tmp = StatePath + "." + Environment.ProcessId + ".tmp";
        File.WriteAllBytes(tmp, JsonSerializer.SerializeToUtf8Bytes(s, EmulatorJson.Default.HostState));
        File.Move(tmp, StatePath, overwrite: true);
    }
}
