using Newtonsoft.Json.Linq;
using SmartDomains.Emulator;
using SmartDomains.Emulator.Guest;
using SmartDomains.Emulator.Settings;

namespace SmartDomains.Tests.Emulator;

/// <summary>A private emulated host: a temp state dir, settings, config files, and an in-process `xl`.</summary>
public sealed class EmulatorHost : IDisposable
{
    public string Dir { get; } = Path.Combine(Path.GetTempPath(), "xlemu-" + Guid.NewGuid().ToString("N")[..10]);
    public string StateDir => Path.Combine(Dir, "state");
    /// <summary>xl's XEN_LOG_DIR for this host: the monitor logs xl-NAME.log here.</summary>
    public string LogDir => Path.Combine(Dir, "log");
    public string MonitorLog(string domain) => File.ReadAllText(Path.Combine(LogDir, $"xl-{domain}.log"));

    public sealed record Result(int Code, string Out, string Err);

    /// <summary>In-process guests are off: the process tests cover them.</summary>
    private sealed class NoGuests : IGuestLauncher
    {
        public int? Start(int domid) => null;
        public void Stop(int? pid) { }
    }

    public EmulatorHost(Action<JObject>? settings = null)
    {
        Directory.CreateDirectory(StateDir);
        var s = JObject.Parse(System.Text.Json.JsonSerializer.Serialize(
            new EmulatorSettings { Hostname = "testhost", GuestBootDelayMs = 100, XlLogDir = LogDir }, EmulatorJson.Default.EmulatorSettings));
        settings?.Invoke(s);
        File.WriteAllText(Path.Combine(StateDir, "settings.json"), s.ToString());
    }

    public Result Xl(params string[] args)
    {
        var o = new StringWriter(); var e = new StringWriter();
        int rc = EmulatorProgram.Run(args, o, e, StateDir, new NoGuests());
        return new Result(rc, o.ToString(), e.ToString());
    }

    /// <summary>Runs an emulated LVM tool (lvcreate, lvs, lvremove, vgs) in-process; stdin is empty unless given.</summary>
    public Result Lvm(string tool, params string[] args) => LvmWithInput(tool, "", args);

    public Result LvmWithInput(string tool, string stdin, params string[] args)
    {
        var o = new StringWriter(); var e = new StringWriter();
        int rc = EmulatorProgram.RunLvm(tool, args, o, e, new StringReader(stdin), StateDir);
        return new Result(rc, o.ToString(), e.ToString());
    }

    public string Config(string name, string text)
    {
        var path = Path.Combine(Dir, name);
        File.WriteAllText(path, text);
        return path;
    }

    public string Disk(string name = "disk.img")
    {
        var path = Path.Combine(Dir, name);
        File.WriteAllBytes(path, new byte[16]);
        return path;
    }

    public string Pv(string name, int memory = 256, string extra = "") =>
        Config(name + ".cfg", $"name = \"{name}\"\nmemory = {memory}\nvcpus = 2\nkernel = \"/boot/vmlinuz\"\n{extra}");

    public string[] LogLines() => File.ReadAllLines(Path.Combine(StateDir, "commands.log"));

    public void Dispose()
    {
        try { Directory.Delete(Dir, true); } catch (IOException) { }
    }
}
