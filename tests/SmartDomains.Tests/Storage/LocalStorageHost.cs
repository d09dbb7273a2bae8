using System.Diagnostics;
using SmartDomains.Hosts;
using SmartDomains.Model;
using SmartDomains.State;
using SmartDomains.Storage;
using SmartDomains.Transport;

namespace SmartDomains.Tests.Storage;

/// <summary>
/// A host on this machine for storage tests: a temp root holding its image dir, state dir and image repository, reached
/// through the local transport (/bin/sh), so commands and files are real. Extra programs (stand-ins) can go first on PATH.
/// </summary>
public sealed class LocalStorageHost : IDisposable
{
    public string Root { get; } = Path.Combine(Path.GetTempPath(), "sd-storage-" + Guid.NewGuid().ToString("N")[..10]);
    public string ImageDir => Path.Combine(Root, "var", "lib", "xen", "images");
    public string StateDir => Path.Combine(Root, "var", "lib", "smartdomains");
    public string RepoDir => Path.Combine(Root, "repo");
    public string BinDir => Path.Combine(Root, "bin");
    public List<string> Log { get; } = new();
    public HostConnection Connection { get; private set; } = null!;
    public HostJournal Journal { get; private set; } = null!;
    public ImageRepository Repository { get; }
    public string Name { get; }

    public LocalStorageHost(string? name = null)
    {
        Name = name ?? "local-" + Guid.NewGuid().ToString("N")[..8];
        foreach (var d in new[] { ImageDir, StateDir, RepoDir, BinDir }) Directory.CreateDirectory(d);
        Repository = new ImageRepository(RepoDir);
        Reconnect();
    }

    /// <summary>A new connection (capabilities are probed again), as another controller or a later run would have.</summary>
    public void Reconnect()
    {
        Connection?.Dispose();
        var info = new HostConnectionInfo
        {
            Name = Name,
            Kind = HostKind.Local,
            Paths = new HostPaths(Path.Combine(Root, "etc", "xen"), ImageDir, StateDir),
            Environment = new Dictionary<string, string>
            {
                ["PATH"] = BinDir + ":" + (Environment.GetEnvironmentVariable("PATH") ?? "/usr/bin:/bin") + ":/usr/sbin:/sbin",
            },
        };
        Connection = new HostConnection(new XenHost(info), new LocalTransport(info));
        lock (Log) Connection.CommandLog = line => { lock (Log) Log.Add(line); };
        Journal = new HostJournal(Connection);
    }

    public HostStorage Storage(bool withRepository = true) => new(Connection, Journal, withRepository ? Repository : null);

    public string[] Uploads() { lock (Log) return Log.Where(l => l.Contains("] sftp put ")).ToArray(); }

    public IReadOnlyList<JournalEntry> JournalEntries() =>
        File.Exists(Path.Combine(StateDir, "journal.jsonl"))
            ? File.ReadAllLines(Path.Combine(StateDir, "journal.jsonl")).Select(JournalEntry.TryParse).OfType<JournalEntry>().ToArray()
            : Array.Empty<JournalEntry>();

    public string[] JournalOps(string kind, string resource) =>
        JournalEntries().Where(e => e.Kind == kind && e.Resource == resource).Select(e => e.Op.ToString().ToLowerInvariant()).ToArray();

    /// <summary>A stand-in program first on PATH.</summary>
    public void AddProgram(string name, string script)
    {
        var path = Path.Combine(BinDir, name);
        File.WriteAllText(path, "#!/bin/sh\n" + script + "\n");
        File.SetUnixFileMode(path, (UnixFileMode)0x1ED);
    }

    /// <summary>A base image in the repository: some random data, then zeros (so a sparse copy has holes to keep).</summary>
    public string AddBaseImage(string fileName, int randomBytes, long sizeBytes)
    {
        var path = Path.Combine(RepoDir, fileName);
        var data = new byte[randomBytes];
        Random.Shared.NextBytes(data);
        using (var f = File.Create(path)) { f.Write(data); f.SetLength(sizeBytes); }
        return path;
    }

    public static (string Out, int Code) Sh(string script, params string[] args)
    {
        var psi = new ProcessStartInfo("/bin/sh") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        psi.ArgumentList.Add("-c");
        psi.ArgumentList.Add(script);
        psi.ArgumentList.Add("sh");
        foreach (var a in args) psi.ArgumentList.Add(a);
        using var p = Process.Start(psi)!;
        var o = p.StandardOutput.ReadToEnd();
        p.WaitForExit();
        return (o, p.ExitCode);
    }

    /// <summary>Bytes the filesystem really allocated for a file.</summary>
    public static long AllocatedBytes(string path) => long.Parse(Sh("stat -c '%b %B' \"$1\" | awk '{print $1*$2}'", path).Out.Trim());

    public void Dispose()
    {
        Connection?.Dispose();
        try { Directory.Delete(Root, true); } catch (IOException) { } catch (UnauthorizedAccessException) { }
    }
}
