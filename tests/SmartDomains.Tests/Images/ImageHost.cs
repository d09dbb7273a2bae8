using Newtonsoft.Json.Linq;
using SmartDomains.Hosts;
using SmartDomains.Remote;
using SmartDomains.State;

namespace SmartDomains.Tests.Images;

/// <summary>
/// An emulated host for image tests, reached through HostConnection + LocalTransport with the built xl emulator first on PATH.
/// <paramref name="hide"/> names programs to take off PATH (zstd, tar, qemu-img): PATH is then the emulator plus a directory
/// of symlinks to everything in /usr/bin but those.
/// </summary>
public sealed class ImageHost : IDisposable
{
    public string Root { get; }
    public HostConnection Connection { get; private set; } = null!;
    public string Name { get; }
    public string LocalRepo => Path.Combine(Root, "repo");
    private readonly bool _ownsRoot;

    public ImageHost(string name = "img1", string? root = null, params string[] hide)
    {
        Name = name;
        _ownsRoot = root is null;
        Root = root ?? Path.Combine(Path.GetTempPath(), "sd-img-" + Guid.NewGuid().ToString("N")[..10]);
        var stateDir = Path.Combine(Root, name, "var", "lib", "xen", "emulator");
        Directory.CreateDirectory(stateDir);
        File.WriteAllText(Path.Combine(stateDir, "settings.json"), new JObject { ["hostname"] = name, ["guest_ports"] = new JArray(22822), ["faults"] = new JObject() }.ToString());
        Connect(hide);
    }

    public void Connect(params string[] hide)
    {
        Connection?.Dispose();
        var info = EmulatedHost.CreateInfo(Name, Root, AppContext.BaseDirectory);
        if (hide.Length > 0)
        {
            var farm = Path.Combine(Root, "bin-without-" + string.Join("-", hide));
            if (!Directory.Exists(farm))
            {
                Directory.CreateDirectory(farm);
                foreach (var f in Directory.EnumerateFileSystemEntries("/usr/bin"))
                    if (!hide.Contains(Path.GetFileName(f))) File.CreateSymbolicLink(Path.Combine(farm, Path.GetFileName(f)), f);
            }
            var env = new Dictionary<string, string>(info.Environment) { ["PATH"] = AppContext.BaseDirectory + ":" + farm };
            info = new HostConnectionInfo { Name = info.Name, Kind = info.Kind, ComputerName = info.ComputerName, User = info.User, Paths = info.Paths, Environment = env };
        }
        Connection = HostConnection.Create(info);
        Connection.Connect(CancellationToken.None);
    }

    /// <summary>Reconnects with <paramref name="tool"/> on PATH replaced by a shell script of the given body (a fault).</summary>
    public void ConnectWithFake(string tool, string body)
    {
        Connect(tool);
        var fake = Path.Combine(Root, "bin-without-" + tool, tool);
        File.WriteAllText(fake, "#!/bin/sh\n" + body + "\n");
        File.SetUnixFileMode(fake, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
    }

    public string ImageDir => Connection.Host.ImageDir;
    public string ConfigDir => Connection.Host.ConfigDir;

    /// <summary>Makes a domain the way Start-XenPool does: disk and config journaled, then xl create journaled.</summary>
    public async Task<(string Config, string[] Disks)> CreateDomainAsync(string domain, params (string Name, long Size, int DataMiB, int Seed)[] disks)
    {
        var journal = new HostJournal(Connection);
        var kernel = Path.Combine(ImageDir, "vmlinuz");
        if (!File.Exists(kernel)) await File.WriteAllTextAsync(kernel, "k");
        var dir = Path.Combine(ImageDir, "pool1");
        Directory.CreateDirectory(dir);
        var paths = new List<string>();
        foreach (var d in disks)
        {
            var path = Path.Combine(dir, d.Name);
            await journal.AppendAsync(new JournalEntry { Op = JournalOp.Begin, Kind = ResourceKinds.Image, Resource = path, Domain = domain, Pool = "pool1" }, default);
            WriteSparse(path, d.Size, d.DataMiB, d.Seed);
            await journal.AppendAsync(new JournalEntry { Op = JournalOp.Done, Kind = ResourceKinds.Image, Resource = path, Domain = domain, Pool = "pool1" }, default);
            paths.Add(path);
        }
        var cfg = Path.Combine(ConfigDir, domain + ".cfg");
        var text = $"name = \"{domain}\"\nkernel = \"{kernel}\"\nmemory = 128\n" +
                   (paths.Count == 0 ? "" : "disk = [ " + string.Join(", ", paths.Select((p, i) => $"'format=raw, vdev=xvd{(char)('a' + i)}, access=rw, target={p}'")) + " ]\n");
        await journal.AppendAsync(new JournalEntry { Op = JournalOp.Begin, Kind = ResourceKinds.Config, Resource = cfg, Domain = domain, Pool = "pool1" }, default);
        await File.WriteAllTextAsync(cfg, text);
        await journal.AppendAsync(new JournalEntry { Op = JournalOp.Done, Kind = ResourceKinds.Config, Resource = cfg, Domain = domain, Pool = "pool1" }, default);
        await journal.AppendAsync(new JournalEntry { Op = JournalOp.Begin, Kind = ResourceKinds.Domain, Resource = domain, Domain = domain, Pool = "pool1" }, default);
        await Connection.RunXlAsync(CancellationToken.None, "create", "-q", cfg);
        await journal.AppendAsync(new JournalEntry { Op = JournalOp.Done, Kind = ResourceKinds.Domain, Resource = domain, Domain = domain, Pool = "pool1" }, default);
        return (cfg, paths.ToArray());
    }

    /// <summary>A sparse file of <paramref name="size"/> bytes with <paramref name="dataMiB"/> MiB of random data 1 MiB in.</summary>
    public static void WriteSparse(string path, long size, int dataMiB, int seed)
    {
        using var fs = new FileStream(path, FileMode.CreateNew, FileAccess.Write);
        fs.SetLength(size);
        if (dataMiB == 0) return;
        var rng = new Random(seed);
        var buf = new byte[1 << 20];
        fs.Position = Math.Min(1 << 20, size - (long)dataMiB * (1 << 20));
        for (var i = 0; i < dataMiB; i++) { rng.NextBytes(buf); fs.Write(buf); }
    }

    public static string Sha(string path)
    {
        using var s = File.OpenRead(path);
        return Convert.ToHexString(System.Security.Cryptography.SHA256.HashData(s)).ToLowerInvariant();
    }

    /// <summary>Runs sh -c SCRIPT with positional values; fails the test on a non-zero exit. Returns stdout.</summary>
    public static string Sh(string script, params string[] values)
    {
        var psi = new System.Diagnostics.ProcessStartInfo("sh") { RedirectStandardOutput = true, RedirectStandardError = true, ArgumentList = { "-c", script, "sh" } };
        foreach (var v in values) psi.ArgumentList.Add(v);
        using var p = System.Diagnostics.Process.Start(psi)!;
        var err = p.StandardError.ReadToEndAsync();
        var output = p.StandardOutput.ReadToEnd();
        p.WaitForExit();
        Xunit.Assert.True(p.ExitCode == 0, err.Result);
        return output;
    }

    /// <summary>The SHA256 of the tar stream inside a .tar.zst (what a format-2 manifest records).</summary>
    public static string StreamSha(string archive) => Sh("zstd -q -dc -- \"$1\" | sha256sum", archive).Split(' ')[0];

    /// <summary>
    /// Rewrites a saved image's manifest as format 1 wrote it (each member's SHA256 over the whole file, no stream digest),
    /// for the tests that old images still restore and are still verified member by member.
    /// </summary>
    public static void ToFormat1(string imageDir)
    {
        var path = Path.Combine(imageDir, "manifest.json");
        var m = JObject.Parse(File.ReadAllText(path));
        var work = Directory.CreateTempSubdirectory("sd-format1-").FullName;
        try
        {
            Sh("zstd -q -dc -- \"$1\" | (cd \"$2\" && tar -xSf -)", Path.Combine(imageDir, (string)m["archiveFile"]!), work);
            foreach (var member in (JArray)m["members"]!) member["sha256"] = Sha(Path.Combine(work, (string)member["name"]!));
        }
        finally { Directory.Delete(work, true); }
        m["formatVersion"] = 1;
        m.Remove("streamSha256");
        File.WriteAllText(path, m.ToString());
    }

    public async Task<string?> StateOfAsync(string domain)
    {
        var r = await Connection.RunXlAsync(CancellationToken.None, "list");
        return Xl.XlListParser.Parse(r.StdOut, Name).FirstOrDefault(d => d.Name == domain)?.State.ToString();
    }

    public async Task<JournalState> JournalAsync() => await new HostJournal(Connection).ReadStateAsync(CancellationToken.None);

    public string TmpDir => Path.Combine(Connection.Host.StateDir, "tmp");

    public void Dispose()
    {
        try
        {
            var r = Connection.RunAsync(RemoteCommand.Xl("list"), CancellationToken.None).GetAwaiter().GetResult();
            foreach (var d in Xl.XlListParser.Parse(r.StdOut, Name).Where(d => d.DomId != 0))
                Connection.RunAsync(RemoteCommand.Xl("destroy", d.Name!), CancellationToken.None).GetAwaiter().GetResult();
        }
        catch (Exception) { }
        Connection.Dispose();
        if (_ownsRoot) try { Directory.Delete(Root, true); } catch (IOException) { }
    }
}
