using Xunit;
using SmartDomains.HostScripts;

namespace SmartDomains.Tests.HostScripts;

/// <summary>The journal and lease scripts under dash and bash, with hostile positional values.</summary>
public sealed class JournalScriptContractTests : IDisposable
{
    private readonly ScriptRunner _run = new();
    public void Dispose() => _run.Dispose();

    private (string Lock, string Journal, string Lease) State(string hostile)
    {
        var d = Path.Combine(_run.Root, hostile, "state");   // not made: journal-append makes it
        return (d + "/journal.lock", d + "/journal.jsonl", d + "/clear.lease");
    }

    private static long Future => DateTimeOffset.UtcNow.ToUnixTimeSeconds() + 3600;

    [Theory, MemberData(nameof(ScriptRunner.ShellsAndHostile), MemberType = typeof(ScriptRunner))]
    public void JournalAppend_appends_the_line_verbatim_and_refuses_while_another_lease_is_live(string shell, string hostile)
    {
        var (lk, journal, lease) = State(hostile);
        var line = "{\"resource\":\"" + hostile.Replace("\n", "\\n") + "\"}";
        var r = _run.Run(shell, Scripts.JournalAppend, new[] { lk, journal, line, lease, "" });
        ScriptRunner.AssertExit(Scripts.JournalAppend, HostScriptExit.Ok, r);
        Assert.Equal(line + "\n", File.ReadAllText(journal));

        File.WriteAllText(lease, $"other {Future} {hostile.Replace('\n', '_')}\n");
        r = _run.Run(shell, Scripts.JournalAppend, new[] { lk, journal, "-n", lease, hostile });
        ScriptRunner.AssertExit(Scripts.JournalAppend, HostScriptExit.Busy, r);
        Assert.Equal(line + "\n", File.ReadAllText(journal));

        // The lease holder itself, and anyone once the lease has expired, may append.
        r = _run.Run(shell, Scripts.JournalAppend, new[] { lk, journal, "-n", lease, "other" });
        ScriptRunner.AssertExit(Scripts.JournalAppend, HostScriptExit.Ok, r);
        File.WriteAllText(lease, "other 1 someone\n");
        r = _run.Run(shell, Scripts.JournalAppend, new[] { lk, journal, hostile, lease, "" });
        ScriptRunner.AssertExit(Scripts.JournalAppend, HostScriptExit.Ok, r);
        Assert.Equal(line + "\n-n\n" + hostile + "\n", File.ReadAllText(journal));
    }

    [Theory, MemberData(nameof(ScriptRunner.ShellsAndHostile), MemberType = typeof(ScriptRunner))]
    public void JournalRead_prints_the_journal_or_nothing(string shell, string hostile)
    {
        var (_, journal, _) = State(hostile);
        var r = _run.Run(shell, Scripts.JournalRead, new[] { journal });
        ScriptRunner.AssertExit(Scripts.JournalRead, HostScriptExit.Ok, r);
        Assert.Equal("", r.Out);
        Directory.CreateDirectory(Path.GetDirectoryName(journal)!);
        File.WriteAllText(journal, "a\nb\n");
        Assert.Equal("a\nb\n", _run.Run(shell, Scripts.JournalRead, new[] { journal }).Out);
    }

    [Theory, MemberData(nameof(ScriptRunner.ShellsAndHostile), MemberType = typeof(ScriptRunner))]
    public void LeaseAcquire_takes_renews_and_refuses_another_live_lease(string shell, string hostile)
    {
        var (lk, _, lease) = State(hostile);
        var r = _run.Run(shell, Scripts.LeaseAcquire, new[] { lk, lease, "me", "60", "who" });
        ScriptRunner.AssertExit(Scripts.LeaseAcquire, HostScriptExit.Ok, r);
        var f = File.ReadAllText(lease).Trim().Split(' ');
        Assert.Equal("me", f[0]);
        Assert.InRange(long.Parse(f[1]) - DateTimeOffset.UtcNow.ToUnixTimeSeconds(), 55, 65);
        Assert.Equal("who", f[2]);

        r = _run.Run(shell, Scripts.LeaseAcquire, new[] { lk, lease, hostile, "60", hostile });
        ScriptRunner.AssertExit(Scripts.LeaseAcquire, HostScriptExit.Busy, r);
        Assert.StartsWith("me ", File.ReadAllText(lease));
        r = _run.Run(shell, Scripts.LeaseAcquire, new[] { lk, lease, "me", "120", "who" });
        ScriptRunner.AssertExit(Scripts.LeaseAcquire, HostScriptExit.Ok, r);
    }

    [Theory, MemberData(nameof(ScriptRunner.ShellsAndHostile), MemberType = typeof(ScriptRunner))]
    public void LeaseRelease_removes_only_its_own_lease(string shell, string hostile)
    {
        var (lk, _, lease) = State(hostile);
        ScriptRunner.AssertExit(Scripts.LeaseRelease, HostScriptExit.Ok, _run.Run(shell, Scripts.LeaseRelease, new[] { lk, lease, "me" }));
        Directory.CreateDirectory(Path.GetDirectoryName(lease)!);
        File.WriteAllText(lease, $"other {Future} x\n");
        ScriptRunner.AssertExit(Scripts.LeaseRelease, HostScriptExit.Ok, _run.Run(shell, Scripts.LeaseRelease, new[] { lk, lease, hostile }));
        Assert.True(File.Exists(lease));
        ScriptRunner.AssertExit(Scripts.LeaseRelease, HostScriptExit.Ok, _run.Run(shell, Scripts.LeaseRelease, new[] { lk, lease, "other" }));
        Assert.False(File.Exists(lease));
    }

    [Theory, MemberData(nameof(ScriptRunner.ShellsAndHostile), MemberType = typeof(ScriptRunner))]
    public void LeaseFinish_empties_the_host_only_with_its_lease_and_an_unchanged_journal(string shell, string hostile)
    {
        var (lk, journal, lease) = State(hostile);
        var state = Path.GetDirectoryName(journal)!;
        var cache = _run.Dir(hostile, "state/images");
        var staging = _run.Dir(hostile, "state/tmp");
        File.WriteAllText(journal, "one\ntwo\n");
        File.WriteAllText(lease, $"me {Future} who\n");
        string[] Args(string token, string lines) => new[] { lk, lease, token, journal, lines, cache, staging };

        ScriptRunner.AssertExit(Scripts.LeaseFinish, HostScriptExit.Changed, _run.Run(shell, Scripts.LeaseFinish, Args("me", "1")));
        ScriptRunner.AssertExit(Scripts.LeaseFinish, HostScriptExit.Busy, _run.Run(shell, Scripts.LeaseFinish, Args(hostile, "2")));
        Assert.True(File.Exists(journal));
        File.WriteAllText(cache + "/kept.img", "x");     // not empty: it stays
        ScriptRunner.AssertExit(Scripts.LeaseFinish, HostScriptExit.Ok, _run.Run(shell, Scripts.LeaseFinish, Args("me", "2")));
        Assert.False(File.Exists(journal));
        Assert.False(File.Exists(lease));
        Assert.False(File.Exists(lk));
        Assert.False(Directory.Exists(staging));
        Assert.True(File.Exists(cache + "/kept.img"));
        Assert.True(Directory.Exists(state));
    }

    [Theory, MemberData(nameof(ScriptRunner.ShellsAndHostile), MemberType = typeof(ScriptRunner))]
    public void LeaseTidy_removes_leftovers_only_without_a_journal_or_a_live_lease(string shell, string hostile)
    {
        var (lk, journal, lease) = State(hostile);
        var cache = _run.Dir(hostile, "state/images");
        var staging = _run.Dir(hostile, "state/tmp");
        File.WriteAllText(lk, "");
        File.WriteAllText(lease, $"other {Future} x\n");
        string[] Args(string token) => new[] { lk, lease, journal, cache, token, staging };

        ScriptRunner.AssertExit(Scripts.LeaseTidy, HostScriptExit.Ok, _run.Run(shell, Scripts.LeaseTidy, Args(hostile)));
        Assert.True(File.Exists(lease));       // another's live lease
        File.WriteAllText(journal, "x\n");
        ScriptRunner.AssertExit(Scripts.LeaseTidy, HostScriptExit.Ok, _run.Run(shell, Scripts.LeaseTidy, Args("other")));
        Assert.True(File.Exists(lk));          // a journal: nothing is a leftover
        File.Delete(journal);
        ScriptRunner.AssertExit(Scripts.LeaseTidy, HostScriptExit.Ok, _run.Run(shell, Scripts.LeaseTidy, Args("other")));
        Assert.False(File.Exists(lease));
        Assert.False(File.Exists(lk));
        Assert.False(Directory.Exists(cache));
        Assert.False(Directory.Exists(staging));
    }
}
