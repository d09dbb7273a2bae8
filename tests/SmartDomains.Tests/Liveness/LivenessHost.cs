using Newtonsoft.Json.Linq;
using SmartDomains.Hosts;
using SmartDomains.Remote;

namespace SmartDomains.Tests.Liveness;

/// <summary>
/// An emulated host reached through HostConnection + LocalTransport, exactly as the module reaches one: commands run through
/// /bin/sh with the built `xl` wrapper (copied next to this test assembly by the emulator project reference) first on PATH.
/// </summary>
public sealed class LivenessHost : IDisposable
{
    public const int GuestPort = 22822;
    public string Root { get; } = Path.Combine(Path.GetTempPath(), "sd-live-" + Guid.NewGuid().ToString("N")[..10]);
    public HostConnection Connection { get; }
    public string Name { get; }
    private readonly List<string> _domains = new();

    public LivenessHost(Action<JObject>? settings = null, string name = "live1")
    {
        Name = name;
        var stateDir = Path.Combine(Root, name, "var", "lib", "xen", "emulator");
        Directory.CreateDirectory(stateDir);
        var s = new JObject
        {
            ["hostname"] = name,
            ["guest_boot_delay_ms"] = 150,
            ["guest_ports"] = new JArray(GuestPort),
            ["faults"] = new JObject(),
        };
        settings?.Invoke(s);
        File.WriteAllText(Path.Combine(stateDir, "settings.json"), s.ToString());
        var info = EmulatedHost.CreateInfo(name, Root, AppContext.BaseDirectory);
        Connection = HostConnection.Create(info);
        Connection.Connect(CancellationToken.None);
    }

    /// <summary>A 127.x address no other test uses (random second and third octet).</summary>
    public static string NewAddress() => $"127.{Random.Shared.Next(32, 250)}.{Random.Shared.Next(1, 250)}.{Random.Shared.Next(2, 250)}";

    public async Task CreateAsync(string name, string? ip = null, string extra = "")
    {
        var kernel = Path.Combine(Connection.Host.ImageDir, "vmlinuz");
        if (!File.Exists(kernel)) await File.WriteAllTextAsync(kernel, "k");
        var cfg = Path.Combine(Connection.Host.ConfigDir, name + ".cfg");
        var text = $"name = \"{name}\"\nkernel = \"{kernel}\"\nmemory = 128\n";
        if (ip != null) text += $"vif = [ 'ip={ip}' ]\n";
        await File.WriteAllTextAsync(cfg, text + extra);
        await Connection.RunXlAsync(CancellationToken.None, "create", "-q", cfg);
        _domains.Add(name);
    }

    public Task XlAsync(params string[] args) => Connection.RunXlAsync(CancellationToken.None, args);

    public void Dispose()
    {
        foreach (var d in _domains)
        {
            try { Connection.RunAsync(RemoteCommand.Xl("destroy", d), CancellationToken.None).GetAwaiter().GetResult(); }
            catch (Exception) { /* best effort: the guest exits when its domain is gone */ }
        }
        Connection.Dispose();
        try { Directory.Delete(Root, true); } catch (IOException) { }
    }
}
