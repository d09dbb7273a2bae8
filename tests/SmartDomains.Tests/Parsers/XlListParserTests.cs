using SmartDomains.Model;
using SmartDomains.Xl;
using Xunit;
using static SmartDomains.Tests.Parsers.XlSamples;

namespace SmartDomains.Tests.Parsers;

public class XlListParserTests
{
    [Fact]
    public void Sample_file_parses_every_row_with_real_values()
    {
        var list = XlListParser.Parse(Read("list.txt"), Host);
        Assert.Equal(10, list.Count);

        var dom0 = list[0];
        Assert.Equal("Domain-0", dom0.Name);
        Assert.Equal(0, dom0.DomId);
        Assert.Equal(2048, dom0.MemoryMiB);
        Assert.Equal(4, dom0.VCpus);
        Assert.Equal(DomainState.Running, dom0.State);
        Assert.Equal(ShutdownReason.None, dom0.ShutdownReason);
        Assert.Equal(11794.3, dom0.CpuSeconds, 3);
        Assert.Equal("r-----", dom0.StateFlags);
        Assert.Equal(Host, dom0.Host);
        Assert.Null(dom0.Uuid);

        Assert.Equal(DomainState.Blocked, list[1].State);
        Assert.Equal(16384, list[2].MemoryMiB);
        Assert.Equal(8, list[2].VCpus);
        Assert.Equal(DomainState.Paused, list[3].State);

        var crashed = list[4];
        Assert.Equal("crashed-vm", crashed.Name);
        Assert.Equal(DomainState.Crashed, crashed.State);
        Assert.Equal(ShutdownReason.Crash, crashed.ShutdownReason);

        var dying = list[5];
        Assert.Null(dying.Name);
        Assert.Equal(5, dying.DomId);
        Assert.Equal(0, dying.MemoryMiB);
        Assert.Equal(DomainState.Dying, dying.State);
        Assert.Equal("(null) (5) on xenhost01", dying.ToString());

        Assert.Equal(DomainState.Running, list[6].State); // "------": runnable, waiting for a pcpu
        Assert.Equal(DomainState.Shutdown, list[7].State);
        Assert.Equal(ShutdownReason.Poweroff, list[7].ShutdownReason);
        Assert.Equal(ShutdownReason.Reboot, list[8].ShutdownReason);

        var longName = list[9];
        Assert.Equal(60, longName.Name!.Length);
        Assert.Equal("a-very-long-domain-name-for-the-slc6-glite-test-nodes-000001", longName.Name);
        Assert.Equal(9, longName.DomId);
        Assert.Equal(4096, longName.MemoryMiB);
        Assert.Equal(2, longName.VCpus);
        Assert.Equal(77.5, longName.CpuSeconds, 3);
    }

    [Theory]
    [InlineData("r-----", DomainState.Running, ShutdownReason.None)]
    [InlineData("-b----", DomainState.Blocked, ShutdownReason.None)]
    [InlineData("--p---", DomainState.Paused, ShutdownReason.None)]
    [InlineData("-bp---", DomainState.Paused, ShutdownReason.None)]
    [InlineData("r-p---", DomainState.Paused, ShutdownReason.None)]
    [InlineData("------", DomainState.Running, ShutdownReason.None)]
    [InlineData("rb----", DomainState.Running, ShutdownReason.None)]
    [InlineData("---s--", DomainState.Shutdown, ShutdownReason.Poweroff)]
    [InlineData("---sr-", DomainState.Shutdown, ShutdownReason.Reboot)]
    [InlineData("---ss-", DomainState.Shutdown, ShutdownReason.Suspend)]
    [InlineData("--pss-", DomainState.Shutdown, ShutdownReason.Suspend)]
    [InlineData("---sw-", DomainState.Shutdown, ShutdownReason.Watchdog)]
    [InlineData("---sS-", DomainState.Shutdown, ShutdownReason.SoftReset)]
    [InlineData("---s?-", DomainState.Shutdown, ShutdownReason.None)]
    [InlineData("---sc-", DomainState.Crashed, ShutdownReason.Crash)]
    [InlineData("--psc-", DomainState.Crashed, ShutdownReason.Crash)]
    [InlineData("----c-", DomainState.Crashed, ShutdownReason.Crash)]
    [InlineData("-----d", DomainState.Dying, ShutdownReason.None)]
    [InlineData("---s-d", DomainState.Dying, ShutdownReason.Poweroff)]
    [InlineData("---scd", DomainState.Dying, ShutdownReason.Crash)]
    [InlineData("r----d", DomainState.Dying, ShutdownReason.None)]
    public void State_letters_map_to_state_and_reason(string flags, DomainState state, ShutdownReason reason)
    {
        var d = Assert.Single(XlListParser.Parse(List(ListRow("vm1", 3, 512, 1, flags, 1.5)), Host));
        Assert.Equal(state, d.State);
        Assert.Equal(reason, d.ShutdownReason);
        Assert.Equal(flags, d.StateFlags);
    }

    [Theory]
    [InlineData("x")]
    [InlineData("vm")]
    [InlineData("Domain-0")]
    [InlineData("slc5-glite-wn01")]
    [InlineData("name.with.dots_and-dashes")]
    [InlineData("exactly-forty-characters-long-name-00040")]
    [InlineData("forty-one-characters-long-name-000000041")]
    [InlineData("a-very-long-domain-name-for-the-slc6-glite-test-nodes-000001")]
    [InlineData("123")]
    [InlineData("vm 42 with spaces")]
    [InlineData("vm  1  2  3")]
    public void Names_parse_from_the_right(string name)
    {
        var d = Assert.Single(XlListParser.Parse(List(ListRow(name, 12345, 99999, 128, "-b----", 123456.7)), Host));
        Assert.Equal(name, d.Name);
        Assert.Equal(12345, d.DomId);
        Assert.Equal(99999, d.MemoryMiB);
        Assert.Equal(128, d.VCpus);
        Assert.Equal(123456.7, d.CpuSeconds, 3);
    }

    [Theory]
    [InlineData(0, 0.0)]
    [InlineData(1, 0.1)]
    [InlineData(32767, 99999999.9)]
    [InlineData(7, 123456789.5)] // wider than %8.1f
    public void Numbers_at_their_limits(int id, double time)
    {
        var d = Assert.Single(XlListParser.Parse(List(ListRow("vm", id, 1234567, 1, "r-----", time)), Host));
        Assert.Equal(id, d.DomId);
        Assert.Equal(1234567, d.MemoryMiB);
        Assert.Equal(time, d.CpuSeconds, 3);
    }

    [Fact]
    public void Header_only_means_no_domains()
    {
        Assert.Empty(XlListParser.Parse(ListHeader + "\n", Host));
    }

    [Fact]
    public void Crlf_and_trailing_blank_lines_are_tolerated()
    {
        var text = WithCrLf(Read("list.txt")) + "\r\n\r\n";
        var list = XlListParser.Parse(text, Host);
        Assert.Equal(10, list.Count);
        Assert.Equal(11794.3, list[0].CpuSeconds, 3);
        Assert.Equal("a-very-long-domain-name-for-the-slc6-glite-test-nodes-000001", list[9].Name);
    }

    [Fact]
    public void Verbose_list_reads_uuid_reason_code_and_label()
    {
        var entries = XlListParser.ParseEntries(Read("list-v.txt"), Host);
        Assert.Equal(4, entries.Count);

        Assert.Equal(Guid.Empty, entries[0].Domain.Uuid);
        Assert.Null(entries[0].ReasonCode);
        Assert.Null(entries[0].SecurityLabel);

        Assert.Equal(Guid.Parse("5c8e2a7d-1f4b-4c1e-9a6e-0d3f2b7c8a91"), entries[1].Domain.Uuid);
        Assert.Equal(DomainState.Blocked, entries[1].Domain.State);

        Assert.Equal(3, entries[2].ReasonCode);
        Assert.Equal(DomainState.Crashed, entries[2].Domain.State);
        Assert.Equal(ShutdownReason.Crash, entries[2].Domain.ShutdownReason);

        Assert.Equal(0, entries[3].ReasonCode);
        Assert.Equal(ShutdownReason.Poweroff, entries[3].Domain.ShutdownReason);
        Assert.Equal("system_u:system_r:domU_t", entries[3].SecurityLabel);
        Assert.Equal(Guid.Parse("9a1b2c3d-4e5f-4a6b-8c7d-9e0f1a2b3c4d"), entries[3].Domain.Uuid);
    }

    [Fact]
    public void Verbose_list_keeps_a_nameless_dying_domain_with_its_id_and_uuid()
    {
        // list_domains -v: the base row, then " %s" uuid, " %8x" reason (a shut-down domain) and " %16s" label.
        string header = ListHeader + "   UUID                            Reason-Code\tSecurity Label";
        string row = ListRow("(null)", 31, 0, 2, "--ps-d", 30.1) + " 8f6e6a3c-0a8b-4a4e-9d53-1c2b3d4e5f60        0                -";
        var e = Assert.Single(XlListParser.ParseEntries(header + "\n" + row + "\n", Host));
        Assert.Equal(((string?)null, 31, DomainState.Dying, 0), (e.Domain.Name, e.Domain.DomId, e.Domain.State, e.ReasonCode));
        Assert.Equal(Guid.Parse("8f6e6a3c-0a8b-4a4e-9d53-1c2b3d4e5f60"), e.Domain.Uuid);
    }

    [Theory]
    [InlineData("0", ShutdownReason.Poweroff, DomainState.Shutdown)]
    [InlineData("1", ShutdownReason.Reboot, DomainState.Shutdown)]
    [InlineData("2", ShutdownReason.Suspend, DomainState.Shutdown)]
    [InlineData("3", ShutdownReason.Crash, DomainState.Crashed)]
    [InlineData("4", ShutdownReason.Watchdog, DomainState.Shutdown)]
    [InlineData("5", ShutdownReason.SoftReset, DomainState.Shutdown)]
    [InlineData("ffffffff", ShutdownReason.None, DomainState.Shutdown)]
    public void Verbose_reason_code_wins_over_the_letter(string code, ShutdownReason reason, DomainState state)
    {
        string header = ListHeader + "   UUID                            Reason-Code\tSecurity Label";
        string row = ListRow("vm1", 3, 512, 1, "---s?-", 1.0) + $" 5c8e2a7d-1f4b-4c1e-9a6e-0d3f2b7c8a91 {code,8} {"-",16}";
        var e = Assert.Single(XlListParser.ParseEntries(header + "\n" + row + "\n", Host));
        Assert.Equal(reason, e.Domain.ShutdownReason);
        Assert.Equal(state, e.Domain.State);
        Assert.Equal(unchecked((int)Convert.ToUInt32(code, 16)), e.ReasonCode);
    }

    [Fact]
    public void Context_cpupool_claims_and_numa_columns()
    {
        string header = ListHeader + "   Security Label" + "  Claimed" + "         Cpupool" + " NODE Affinity";
        string row = ListRow("vm1", 3, 512, 1, "-b----", 1.0) + $" {"-",16} {128,5}{"Pool-0",16} 0-1";
        var e = Assert.Single(XlListParser.ParseEntries(header + "\n" + row + "\n", Host));
        Assert.Null(e.SecurityLabel);
        Assert.Equal(128, e.ClaimedMiB);
        Assert.Equal("Pool-0", e.CpuPool);
        Assert.Equal("0-1", e.NodeAffinity);
        Assert.Equal("vm1", e.Domain.Name);
        Assert.Null(e.Domain.Uuid);
    }

    [Fact]
    public void Claims_output_parses()
    {
        string text = ListHeader + "  Claimed\n" + ListRow("Domain-0", 0, 2048, 4, "r-----", 10.0) + $" {0,5}\n";
        var e = Assert.Single(XlListParser.ParseEntries(text, Host));
        Assert.Equal(0, e.ClaimedMiB);
    }

    [Fact]
    public void LooksLikeListOutput_detects_the_header()
    {
        Assert.True(XlListParser.LooksLikeListOutput(Read("list.txt")));
        Assert.True(XlListParser.LooksLikeListOutput(Read("list-v.txt")));
        Assert.False(XlListParser.LooksLikeListOutput(Read("uptime.txt")));
        Assert.False(XlListParser.LooksLikeListOutput(""));
    }

    public static TheoryData<string, string> Malformed => new()
    {
        { "", "empty" },
        { "\n\n", "empty" },
        { "Name ID Mem VCPUs State\n", "header" },
        { "Name                                        ID   Mem VCPUs\tState\tTime(s)   Bogus\n", "Bogus" },
        { "Domain-0 0 2048 4 r----- 1.0\n", "header" },
        { ListHeader + "\nDomain-0                                     0  2048     4     r-----\n", "Time" },
        { ListHeader + "\nDomain-0                                     0  2048     4     r---       1.0\n", "State" },
        { ListHeader + "\nDomain-0                                     0  2048\n", "Time" },
        { ListHeader + "\nDomain-0                                     0  2048     4     x-----       1.0\n", "State" },
        { ListHeader + "\nDomain-0                                     0  2048     4     r-----       1\n", "Time" },
        { ListHeader + "\nDomain-0                                    -1  2048     4     r-----       1.0\n", "ID" },
        { ListHeader + "\nDomain-0                                     0  2k48     4     r-----       1.0\n", "Mem" },
        { ListHeader + "\nDomain-0                                     0  2048     four  r-----       1.0\n", "VCPUs" },
        { ListHeader + "\n                                             0  2048     4     r-----       1.0\n", "Name" },
        { ListHeader + "\n0  2048     4     r-----       1.0\n", "Name" },
        { ListHeader + "\n\n" + ListRow("vm", 1, 1, 1, "r-----", 1) + "\n", "line 2" },
        { ListHeader + "   UUID                            Reason-Code\tSecurity Label\n" + ListRow("vm", 1, 1, 1, "r-----", 1) + " not-a-uuid        -                -\n", "UUID" },
        { ListHeader + "   UUID                            Reason-Code\tSecurity Label\n" + ListRow("vm", 1, 1, 1, "r-----", 1) + "\n", "line 2" },
    };

    [Theory]
    [MemberData(nameof(Malformed))]
    public void Malformed_output_raises_XlOutputUnparsable(string text, string inMessage)
    {
        var ex = Assert.Throws<XenHostException>(() => XlListParser.Parse(text, Host));
        Assert.Equal(XenErrorIds.XlOutputUnparsable, ex.ErrorId);
        Assert.Equal(XenErrorCategory.InvalidData, ex.Category);
        Assert.Equal(Host, ex.Host);
        Assert.Contains(inMessage, ex.Message);
        Assert.NotNull(ex.RecommendedAction);
    }

    [Fact]
    public void Unparsable_message_quotes_the_offending_line()
    {
        string bad = "Domain-0                                     0  2048     4     r-----";
        var ex = Assert.Throws<XenHostException>(() => XlListParser.Parse(ListHeader + "\n" + bad + "\n", Host));
        Assert.Contains("line 2", ex.Message);
        Assert.Contains($"'{bad}'", ex.Message);
    }
}
