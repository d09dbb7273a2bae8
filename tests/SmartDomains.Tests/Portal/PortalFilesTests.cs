using System.Text;
using SmartDomains.Portal;
using SmartDomains.Portal.Server;
using Xunit;

namespace SmartDomains.Tests.Portal;

public sealed class PortalFilesTests : IDisposable
{
    private readonly PortalTempFolder _folder = new();
    private readonly PortalFiles _files;

    public PortalFilesTests() => _files = new PortalFiles(new PortalPathResolver(_folder.Path));

    public void Dispose() => _folder.Dispose();

    [Fact]
    public void The_version_is_the_sha256_of_the_bytes()
    {
        _folder.Write("a.json", "{}");
        Assert.Equal("44136fa355b3678a1146ad16f7e8649e94fb4fc21fe77e8310c060f61caaff8a", _files.Read("a.json")!.Version);
    }

    [Fact]
    public void Lists_json_files_but_not_hidden_ones_or_links_that_leave()
    {
        _folder.Write("pool.json", "{}");
        _folder.Write("lib/templates.json", "{}");
        _folder.Write("notes.txt", "x");
        _folder.Write(".git/config.json", "{}");
        _folder.Write(".pool.json.0A0B.saving", "{}");
        File.CreateSymbolicLink(Path.Combine(_folder.Path, "passwd.json"), "/etc/passwd");
        Assert.Equal(new[] { "lib/templates.json", "pool.json" }, _files.List().Select(f => f.Path));
    }

    [Fact]
    public void A_save_over_the_version_on_disk_writes_and_returns_the_new_version()
    {
        var full = _folder.Write("pool.json", "{ \"name\": \"a\" }");
        var opened = _files.Read("pool.json")!;
        var outcome = _files.Save(full, "{ \"name\": \"b\" }", opened.Version);
        Assert.True(outcome.Saved);
        Assert.Equal("{ \"name\": \"b\" }", File.ReadAllText(full));
        Assert.Equal(PortalFiles.VersionOf(File.ReadAllBytes(full)), outcome.Version);
        Assert.Single(Directory.GetFileSystemEntries(_folder.Path));
    }

    [Fact]
    public void Two_saves_of_one_version_give_one_refusal_with_the_text_on_disk()
    {
        var full = _folder.Write("pool.json", "{ \"name\": \"a\" }");
        var version = _files.Read("pool.json")!.Version;
        var first = _files.Save(full, "{ \"name\": \"first tab\" }", version);
        var second = _files.Save(full, "{ \"name\": \"second tab\" }", version);
        Assert.True(first.Saved);
        Assert.False(second.Saved);
        Assert.Equal("{ \"name\": \"first tab\" }", second.DiskText);
        Assert.Equal(first.Version, second.Version);
        Assert.Equal("{ \"name\": \"first tab\" }", File.ReadAllText(full));
    }

    [Fact]
    public void Concurrent_saves_of_one_version_let_exactly_one_through()
    {
        var full = _folder.Write("pool.json", "{}");
        var version = _files.Read("pool.json")!.Version;
        var outcomes = Enumerable.Range(0, 16).AsParallel().Select(i => _files.Save(full, $"{{ \"tab\": {i} }}", version)).ToArray();
        Assert.Single(outcomes, o => o.Saved);
        var winner = outcomes.Single(o => o.Saved);
        Assert.Equal(winner.Version, PortalFiles.VersionOf(File.ReadAllBytes(full)));
        Assert.Single(Directory.GetFileSystemEntries(_folder.Path));
    }

    [Fact]
    public void A_save_of_a_file_that_is_gone_is_refused_without_text()
    {
        var full = _folder.Write("pool.json", "{}");
        var version = _files.Read("pool.json")!.Version;
        File.Delete(full);
        var outcome = _files.Save(full, "{}", version);
        Assert.False(outcome.Saved);
        Assert.Null(outcome.DiskText);
        Assert.False(File.Exists(full));
    }

    [Fact]
    public void Create_refuses_a_file_that_exists_and_makes_folders_for_a_new_one()
    {
        var full = _folder.Write("pool.json", "old");
        var refused = _files.Create(full, "new");
        Assert.False(refused.Saved);
        Assert.Equal("old", refused.DiskText);
        Assert.Equal("old", File.ReadAllText(full));
        var fresh = Path.Combine(_folder.Path, "more/deep/new.json");
        Assert.True(_files.Create(fresh, "{}").Saved);
        Assert.Equal("{}", File.ReadAllText(fresh));
    }

    [Fact]
    public void A_replaced_file_keeps_its_mode_and_a_reader_never_sees_half_of_it()
    {
        var full = _folder.Write("pool.json", new string('a', 1 << 16));
        if (!OperatingSystem.IsWindows()) File.SetUnixFileMode(full, UnixFileMode.UserRead | UnixFileMode.UserWrite);
        // The rename swaps whole files: a reader that opened the old one still reads all of the old bytes.
        using (var reader = new FileStream(full, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete))
        {
            AtomicFile.Replace(full, Encoding.UTF8.GetBytes(new string('b', 1 << 16)));
            var old = new StreamReader(reader).ReadToEnd();
            Assert.Equal(1 << 16, old.Length);
            Assert.All(old, c => Assert.Equal('a', c));
        }
        Assert.All(File.ReadAllText(full), c => Assert.Equal('b', c));
        if (!OperatingSystem.IsWindows()) Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(full));
        Assert.Single(Directory.GetFileSystemEntries(_folder.Path));
    }

    [Fact]
    public void A_bom_is_not_in_the_text_but_is_in_the_version()
    {
        var full = Path.Combine(_folder.Path, "bom.json");
        var bytes = Encoding.UTF8.GetPreamble().Concat(Encoding.UTF8.GetBytes("{}")).ToArray();
        File.WriteAllBytes(full, bytes);
        var content = _files.Read("bom.json")!;
        Assert.Equal("{}", content.Text);
        Assert.Equal(PortalFiles.VersionOf(bytes), content.Version);
    }

    [Fact]
    public void Only_json_files_are_editable()
    {
        _folder.Write("run.sh", "echo");
        Assert.Null(_files.Resolve("run.sh"));
        Assert.Null(_files.Read("run.sh"));
        Assert.NotNull(_files.Resolve("x.JSON"));
    }
}
