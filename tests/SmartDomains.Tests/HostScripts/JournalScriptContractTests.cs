using Xunit;
using SmartDomains.HostScripts;
using SmartDomains.State;

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
    public void JournalAppend_appends_the_line_verbatim_and_refuses_what_another_live_lease_covers(string shell, string hostile)
    {
        var (lk, journal, lease) = State(hostile);
        var line = "{\"resource\":\"" + hostile.Replace("\n", "\\n") + "\"}";
        string[] Args(string l, string token, string pool, string domain) => new[] { lk, journal, l, lease, token, pool, domain };
        var r = _run.Run(shell, Scripts.JournalAppend, Args(line, "", "", ""));
        ScriptRunner.AssertExit(Scripts.JournalAppend, HostScriptExit.Ok, r);
        Assert.Equal(line + "\n", File.ReadAllText(journal));

        // Another's lease on the pool web: web's entries are refused, whatever their domain; other pools' and shared ones are not.
        File.WriteAllText(lease, $"other {Future} web * root@ctl (pid 7) for {hostile.Replace('\n', '_')}\n");
        r = _run.Run(shell, Scripts.JournalAppend, Args("-n", hostile, "web", hostile));
        ScriptRunner.AssertExit(Scripts.JournalAppend, HostScriptExit.Busy, r);
        Assert.Contains("held by root@ctl (pid 7) for ", r.Err);
        Assert.Matches(@"until \d{4}-\d\d-\d\d \d\d:\d\d:\d\d UTC, \d+ s from now", r.Err);
        Assert.DoesNotContain(Future.ToString()[..6], r.Err);
        Assert.Equal(line + "\n", File.ReadAllText(journal));
        foreach (var (pool, domain) in new[] { (hostile, "web"), ("", ""), ("", hostile) })
            ScriptRunner.AssertExit(Scripts.JournalAppend, HostScriptExit.Ok, _run.Run(shell, Scripts.JournalAppend, Args(hostile, "", pool, domain)));
        // The lease holder itself may append.
        ScriptRunner.AssertExit(Scripts.JournalAppend, HostScriptExit.Ok, _run.Run(shell, Scripts.JournalAppend, Args("-n", "other", "web", "")));

        // A lease on one domain covers that domain's entries only; one on the whole host covers everything, shared entries too.
        File.WriteAllText(lease, $"other {Future} web web-1 x\n");
        ScriptRunner.AssertExit(Scripts.JournalAppend, HostScriptExit.Busy, _run.Run(shell, Scripts.JournalAppend, Args("-n", "", "web", "web-1")));
        ScriptRunner.AssertExit(Scripts.JournalAppend, HostScriptExit.Ok, _run.Run(shell, Scripts.JournalAppend, Args("-n", "", "web", "web-2")));
        ScriptRunner.AssertExit(Scripts.JournalAppend, HostScriptExit.Ok, _run.Run(shell, Scripts.JournalAppend, Args("-n", "", "web", "")));
        File.WriteAllText(lease, $"other {Future} * * x\n");
        ScriptRunner.AssertExit(Scripts.JournalAppend, HostScriptExit.Busy, _run.Run(shell, Scripts.JournalAppend, Args("-n", hostile, "", "")));
        // An older version's line ("TOKEN UNTIL WHO") is the whole host's; an expired lease covers nothing.
        File.WriteAllText(lease, $"other {Future} ctl/root/7\n");
        ScriptRunner.AssertExit(Scripts.JournalAppend, HostScriptExit.Busy, _run.Run(shell, Scripts.JournalAppend, Args("-n", "", "web", "")));
        File.WriteAllText(lease, "other 1 * * someone\n");
        r = _run.Run(shell, Scripts.JournalAppend, Args(hostile, "", "web", ""));
        ScriptRunner.AssertExit(Scripts.JournalAppend, HostScriptExit.Ok, r);
        Assert.Equal(line + "\n" + string.Concat(Enumerable.Repeat(hostile + "\n", 3)) + "-n\n-n\n-n\n" + hostile + "\n", File.ReadAllText(journal));
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

    private string[] Acquire(string hostile, string token, string pool, string domain = "*", string seconds = "60", string who = "who") =>
        new[] { State(hostile).Lock, State(hostile).Lease, token, seconds, who, pool, domain };

    [Theory, MemberData(nameof(ScriptRunner.ShellsAndHostile), MemberType = typeof(ScriptRunner))]
    public void LeaseAcquire_holds_two_pools_at_once_but_not_the_host_against_either(string shell, string hostile)
    {
        var (_, _, lease) = State(hostile);
        var r = _run.Run(shell, Scripts.LeaseAcquire, Acquire(hostile, "me", "web"));
        ScriptRunner.AssertExit(Scripts.LeaseAcquire, HostScriptExit.Ok, r);
        var f = File.ReadAllText(lease).Trim().Split(' ');
        Assert.Equal(new[] { "me", "web", "*", "who" }, new[] { f[0], f[2], f[3], f[4] });
        Assert.InRange(long.Parse(f[1]) - DateTimeOffset.UtcNow.ToUnixTimeSeconds(), 55, 65);

        ScriptRunner.AssertExit(Scripts.LeaseAcquire, HostScriptExit.Ok, _run.Run(shell, Scripts.LeaseAcquire, Acquire(hostile, "other", "db")));
        r = _run.Run(shell, Scripts.LeaseAcquire, Acquire(hostile, "third", "*", who: "root@ctl (pid 9) for Clear-XenHost"));
        ScriptRunner.AssertExit(Scripts.LeaseAcquire, HostScriptExit.Busy, r);
        Assert.Contains("held by who until ", r.Err);
        ScriptRunner.AssertExit(Scripts.LeaseAcquire, HostScriptExit.Busy, _run.Run(shell, Scripts.LeaseAcquire, Acquire(hostile, "other", "web", "web-1")));
        // A renewal replaces the token's line; a domain lease of another pool sits beside the rest.
        ScriptRunner.AssertExit(Scripts.LeaseAcquire, HostScriptExit.Ok, _run.Run(shell, Scripts.LeaseAcquire, Acquire(hostile, "me", "web", seconds: "120")));
        ScriptRunner.AssertExit(Scripts.LeaseAcquire, HostScriptExit.Ok, _run.Run(shell, Scripts.LeaseAcquire, Acquire(hostile, "third", "mail", "mx-1")));
        Assert.Equal(new[] { "other", "me", "third" }, File.ReadAllLines(lease).Select(l => l.Split(' ')[0]));
        Assert.Equal(3, File.ReadAllLines(lease).Length);
    }

    [Theory, MemberData(nameof(ScriptRunner.ShellsAndHostile), MemberType = typeof(ScriptRunner))]
    public void LeaseAcquire_refuses_what_cannot_be_one_lease_line(string shell, string hostile)
    {
        var (_, _, lease) = State(hostile);
        ScriptRunner.AssertExit(Scripts.LeaseAcquire, HostScriptExit.Usage, _run.Run(shell, Scripts.LeaseAcquire, Acquire(hostile, "me", hostile)));
        ScriptRunner.AssertExit(Scripts.LeaseAcquire, HostScriptExit.Usage, _run.Run(shell, Scripts.LeaseAcquire, Acquire(hostile, "me", "web", hostile)));
        var token = _run.Run(shell, Scripts.LeaseAcquire, Acquire(hostile, hostile, "web"));
        ScriptRunner.AssertExit(Scripts.LeaseAcquire, hostile.Any(char.IsWhiteSpace) ? HostScriptExit.Usage : HostScriptExit.Ok, token);
        var who = _run.Run(shell, Scripts.LeaseAcquire, Acquire(hostile, "me", "db", who: hostile));
        ScriptRunner.AssertExit(Scripts.LeaseAcquire, hostile.Contains('\n') ? HostScriptExit.Usage : HostScriptExit.Ok, who);
        // Whatever was taken is one line per lease, its fields where they belong.
        var lines = File.Exists(lease) ? File.ReadAllLines(lease) : Array.Empty<string>();
        Assert.All(lines, l => Assert.Matches(@"^\S+ \d+ (web|db) \* ", l));
    }

    [Theory, MemberData(nameof(ScriptRunner.ShellsAndHostile), MemberType = typeof(ScriptRunner))]
    public void LeaseRead_prints_the_hosts_clock_then_the_table(string shell, string hostile)
    {
        var (_, _, lease) = State(hostile);
        var r = _run.Run(shell, Scripts.LeaseRead, new[] { lease });
        ScriptRunner.AssertExit(Scripts.LeaseRead, HostScriptExit.Ok, r);
        Assert.Empty(LeaseTable.Parse(r.Out).Records);
        ScriptRunner.AssertExit(Scripts.LeaseAcquire, HostScriptExit.Ok, _run.Run(shell, Scripts.LeaseAcquire, Acquire(hostile, "me", "web", "web-1")));
        var table = LeaseTable.Parse(_run.Run(shell, Scripts.LeaseRead, new[] { lease }).Out);
        Assert.InRange((table.HostNow - DateTimeOffset.UtcNow).Duration(), TimeSpan.Zero, TimeSpan.FromMinutes(1));
        Assert.Equal(LeaseScope.OfDomain("web", "web-1"), table.Live.Single().Scope);
        Assert.Equal("who", table.Live.Single().Who);
    }

    [Theory, MemberData(nameof(ScriptRunner.ShellsAndHostile), MemberType = typeof(ScriptRunner))]
    public void LeaseRelease_removes_only_its_own_lease(string shell, string hostile)
    {
        var (lk, _, lease) = State(hostile);
        var future = Future;
        ScriptRunner.AssertExit(Scripts.LeaseRelease, HostScriptExit.Ok, _run.Run(shell, Scripts.LeaseRelease, new[] { lk, lease, "me" }));
        Directory.CreateDirectory(Path.GetDirectoryName(lease)!);
        File.WriteAllText(lease, $"other {future} web * x\nme {future} db * y\n");
        ScriptRunner.AssertExit(Scripts.LeaseRelease, HostScriptExit.Ok, _run.Run(shell, Scripts.LeaseRelease, new[] { lk, lease, hostile }));
        Assert.Equal(2, File.ReadAllLines(lease).Length);
        ScriptRunner.AssertExit(Scripts.LeaseRelease, HostScriptExit.Ok, _run.Run(shell, Scripts.LeaseRelease, new[] { lk, lease, "me" }));
        Assert.Equal(new[] { $"other {future} web * x" }, File.ReadAllLines(lease));
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
        File.WriteAllText(lease, $"me {Future} * * who\n");
        string[] Args(string token, string lines) => new[] { lk, lease, token, journal, lines, cache, staging };

        ScriptRunner.AssertExit(Scripts.LeaseFinish, HostScriptExit.Changed, _run.Run(shell, Scripts.LeaseFinish, Args("me", "1")));
        ScriptRunner.AssertExit(Scripts.LeaseFinish, HostScriptExit.Busy, _run.Run(shell, Scripts.LeaseFinish, Args(hostile, "2")));
        Assert.True(File.Exists(journal));
        // Another's live lease on a mere pool keeps the journal too: it may be about to write to it.
        File.WriteAllText(lease, $"me {Future} web * who\nother {Future} db * them\n");
        ScriptRunner.AssertExit(Scripts.LeaseFinish, HostScriptExit.Busy, _run.Run(shell, Scripts.LeaseFinish, Args("me", "2")));
        File.WriteAllText(lease, $"me {Future} web * who\nother 1 db * them\n");
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
        File.WriteAllText(lease, $"other {Future} web * x\n");
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
