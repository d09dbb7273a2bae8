using SmartDomains.Lifecycle;
using SmartDomains.Remote;
using SmartDomains.State;
using SmartDomains.Tests.Liveness;
using Xunit;

namespace SmartDomains.Tests.Lifecycle;

/// <summary>Journaled steps run in one round trip on an emulated host: what each step printed, and what the journal says.</summary>
public sealed class JournaledChainTests : IDisposable
{
    private readonly LivenessHost _host = new(name: "chain1");
    private int _roundTrips;

    public void Dispose() => _host.Dispose();

    private HostJournal Journal => new(_host.Connection);

    private static JournaledChain.Link Link(string resource, RemoteCommand command, bool failedIsUndone = false) =>
        new(new JournaledStep { Kind = ResourceKinds.Config, Resource = resource, Pool = "p", Domain = "d" }, JournalOp.Begin, JournalOp.Done,
            command, failedIsUndone);

    private Task<JournaledChain.Outcome> Run(params JournaledChain.Link[] links) =>
        JournaledChain.RunAsync(Journal, links, line => { _roundTrips++; return _host.Connection.RunAsync(line, CancellationToken.None); });

    private async Task<string[]> Lines() =>
        (await Journal.ReadAsync(CancellationToken.None)).Select(e => $"{e.Op} {e.Resource}").ToArray();

    [Fact]
    public async Task Every_step_runs_in_one_round_trip_and_keeps_its_own_output()
    {
        var outcome = await Run(
            Link("/a", RemoteCommand.Of("printf", "%s\\n", "first line", "second line")),
            Link("/b", RemoteCommand.Of("printf", "%s", "no newline")),
            Link("/c", RemoteCommand.Of("true")));

        Assert.Null(outcome.Failure);
        Assert.Equal(1, _roundTrips);
        Assert.Equal(new[] { "first line\nsecond line\n", "no newline", "" }, outcome.Done.Select(r => r.StdOut));
        Assert.Equal("printf '%s\\n' 'first line' 'second line'", outcome.Done[0].CommandLine);
        Assert.Equal(new[] { "Begin /a", "Done /a", "Begin /b", "Done /b", "Begin /c", "Done /c" }, await Lines());
    }

    [Fact]
    public async Task A_failing_step_stops_the_chain_and_only_its_journal_is_closed()
    {
        var outcome = await Run(
            Link("/a", RemoteCommand.Of("true")),
            Link("/b", RemoteCommand.Of("sh", "-c", "echo partial; echo 'it broke' >&2; exit 3"), failedIsUndone: true),
            Link("/c", RemoteCommand.Of("touch", Path.Combine(_host.Root, "never"))));

        Assert.Single(outcome.Done);
        var failure = Assert.IsAssignableFrom<XenHostException>(outcome.Failure);
        Assert.Contains("it broke", failure.Message);
        Assert.Equal(2, _roundTrips);          // the chain, then the closing lines of the step that failed
        Assert.False(File.Exists(Path.Combine(_host.Root, "never")));
        Assert.Equal(new[] { "Begin /a", "Done /a", "Begin /b", "Failed /b", "Undone /b" }, await Lines());
    }

    [Fact]
    public async Task A_first_step_that_fails_leaves_the_later_steps_unjournaled()
    {
        var outcome = await Run(Link("/a", RemoteCommand.Of("false")), Link("/b", RemoteCommand.Of("true")));

        Assert.Empty(outcome.Done);
        Assert.NotNull(outcome.Failure);
        Assert.Equal(new[] { "Begin /a", "Failed /a" }, await Lines());
    }

    [Fact]
    public async Task A_step_that_prints_the_marker_text_inside_a_line_does_not_end_early()
    {
        var marker = JournaledChain.Marker(0).Line;
        var outcome = await Run(Link("/a", RemoteCommand.Of("printf", "%s\\n", "x" + marker)), Link("/b", RemoteCommand.Of("false")));

        Assert.Single(outcome.Done);
        Assert.Equal("x" + marker + "\n", outcome.Done[0].StdOut);
        Assert.NotNull(outcome.Failure);
    }
}
