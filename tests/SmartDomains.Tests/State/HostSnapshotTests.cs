using SmartDomains.State;
using SmartDomains.Tests.Storage;
using SmartDomains.Xl;
using Xunit;

namespace SmartDomains.Tests.State;

/// <summary>HostSnapshot reads xl list -v and the journal in one round trip, and tells the two kinds of failure apart.</summary>
public sealed class HostSnapshotTests : IDisposable
{
    private readonly LocalStorageHost _h = new();
    public void Dispose() => _h.Dispose();

    private static string Sample => File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "Samples", "xl", "list-v.txt"));

    private void Xl(string script) => _h.AddProgram("xl", script);

    [Fact]
    public async Task Domains_and_journal_come_in_one_round_trip_with_the_journals_line_count()
    {
        File.WriteAllText(Path.Combine(_h.BinDir, "list-v.txt"), Sample);
        Xl($"[ \"$1 $2\" = 'list -v' ] || exit 9; cat '{_h.BinDir}/list-v.txt'");
        var entry = JournalEntry.Of(JournalOp.Begin, ResourceKinds.Image, "/x.img", "web01", "p");
        // A torn last line (a writer that died) is counted, as wc -l counts it, but not parsed.
        File.WriteAllText(Path.Combine(_h.StateDir, "journal.jsonl"), entry.ToJsonLine() + "\n{\"op\":\"be\n");
        int before; lock (_h.Log) before = _h.Log.Count;

        var snapshot = await HostSnapshot.ReadAsync(_h.Connection, CancellationToken.None);

        lock (_h.Log) Assert.Equal(before + 1, _h.Log.Count);
        Assert.Equal(XlListParser.Parse(Sample, _h.Name).Select(d => d.Name), snapshot.Domains.Select(d => d.Name));
        Assert.NotNull(snapshot.Running("web01"));
        Assert.Equal("/x.img", Assert.Single(snapshot.Journal.Resources).Resource);
        Assert.Equal(2, snapshot.JournalLines);
    }

    [Fact]
    public async Task Paths_asked_for_are_looked_at_in_the_same_round_trip_after_the_journal()
    {
        Xl("echo 'Name                                        ID   Mem VCPUs\tState\tTime(s)   UUID                            Reason-Code\tSecurity Label'");
        var entry = JournalEntry.Of(JournalOp.Done, ResourceKinds.Image, "/x.img", "web01", "p");
        File.WriteAllText(Path.Combine(_h.StateDir, "journal.jsonl"), entry.ToJsonLine() + "\n");
        var file = Path.Combine(_h.Root, "disk with space.img");
        File.WriteAllBytes(file, new byte[1234]);
        var missing = Path.Combine(_h.Root, "missing.img");
        int before; lock (_h.Log) before = _h.Log.Count;

        var snapshot = await HostSnapshot.ReadAsync(_h.Connection, new HostJournal(_h.Connection), CancellationToken.None, file, _h.Root, missing);

        lock (_h.Log) Assert.Equal(before + 1, _h.Log.Count);
        Assert.Equal(new SmartDomains.Storage.PathStat(true, 1234, false), snapshot.Paths[file]);
        Assert.True(snapshot.Paths[_h.Root].IsDirectory);
        Assert.False(snapshot.Paths[missing].Exists);
        Assert.Equal("/x.img", Assert.Single(snapshot.Journal.Resources).Resource);
        Assert.Equal(1, snapshot.JournalLines);
    }

    [Fact]
    public async Task A_torn_last_journal_line_without_a_newline_still_leaves_the_stat_lines_apart()
    {
        Xl("echo 'Name                                        ID   Mem VCPUs\tState\tTime(s)   UUID                            Reason-Code\tSecurity Label'");
        var entry = JournalEntry.Of(JournalOp.Done, ResourceKinds.Image, "/x.img", "web01", "p");
        // A writer that died mid-line: no final newline, which wc -l does not count.
        File.WriteAllText(Path.Combine(_h.StateDir, "journal.jsonl"), entry.ToJsonLine() + "\n{\"op\":\"be");

        var snapshot = await HostSnapshot.ReadAsync(_h.Connection, new HostJournal(_h.Connection), CancellationToken.None, _h.Root);

        Assert.True(snapshot.Paths[_h.Root].IsDirectory);
        Assert.Equal("/x.img", Assert.Single(snapshot.Journal.Resources).Resource);
        Assert.Equal(1, snapshot.JournalLines);
    }

    [Fact]
    public async Task A_host_without_a_journal_has_none_and_no_lines()
    {
        Xl("echo 'Name                                        ID   Mem VCPUs\tState\tTime(s)   UUID                            Reason-Code\tSecurity Label'");
        var snapshot = await HostSnapshot.ReadAsync(_h.Connection, CancellationToken.None);
        Assert.Empty(snapshot.Journal.Resources);
        Assert.Equal(0, snapshot.JournalLines);
    }

    [Fact]
    public async Task A_failing_xl_is_an_xl_failure_and_an_unreadable_journal_a_journal_failure()
    {
        Xl("echo 'libxl: error: cannot connect to xenstore' >&2; exit 1");
        await Assert.ThrowsAsync<XlCommandException>(() => HostSnapshot.ReadAsync(_h.Connection, CancellationToken.None));

        Xl("echo 'Name                                        ID   Mem VCPUs\tState\tTime(s)   UUID                            Reason-Code\tSecurity Label'");
        File.WriteAllText(Path.Combine(_h.StateDir, "journal.jsonl"), "x\n");
        _h.AddProgram("cat", "echo 'cat: journal.jsonl: Input/output error' >&2; exit 1");   // a disk that fails the read
        var e = await Assert.ThrowsAsync<XenHostException>(() => HostSnapshot.ReadAsync(_h.Connection, CancellationToken.None));
        Assert.Equal(XenErrorIds.JournalReadFailed, e.ErrorId);
    }
}
