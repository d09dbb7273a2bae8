using SmartDomains.Model;
using SmartDomains.Xl;
using Xunit;
using static SmartDomains.Tests.Parsers.XlSamples;

namespace SmartDomains.Tests.Parsers;

/// <summary>The parsers on real xl output from public posts (Samples/xl/captures, sources in SOURCES.md).</summary>
public class XlCaptureTests
{
    private static string Capture(string name) => Read(Path.Combine("captures", name));

    [Fact]
    public void Nameless_dying_domains_keep_their_ids_and_match_no_name()
    {
        var domains = XlListParser.Parse(Capture("qubes-2850-list-null-dying.txt"), Host);

        Assert.Equal(15, domains.Count);
        Assert.Equal(("Domain-0", DomainState.Running), (domains[0].Name, domains[0].State));
        var zombies = domains.Skip(1).ToList();
        Assert.All(zombies, d => Assert.Null(d.Name));
        Assert.All(zombies, d => Assert.Equal(DomainState.Dying, d.State));
        Assert.All(zombies, d => Assert.Equal("--p--d", d.StateFlags));
        Assert.Equal(new[] { 18, 21, 40, 56, 57, 60, 61, 74, 76, 77, 84, 93, 94, 97 }, zombies.Select(d => d.DomId));
        Assert.Equal(11, zombies.Single(d => d.DomId == 56).MemoryMiB);
        Assert.Equal(30.6, zombies.Single(d => d.DomId == 84).CpuSeconds);
    }

    [Fact]
    public void A_paused_domain_from_Xen_4_4_parses()
    {
        var domains = XlListParser.Parse(Capture("clickos-18-list-paused.txt"), Host);

        Assert.Equal(new[] { "Domain-0", "linux-1" }, domains.Select(d => d.Name));
        Assert.Equal((2, 512L, 1, DomainState.Paused), (domains[1].DomId, domains[1].MemoryMiB, domains[1].VCpus, domains[1].State));
        Assert.Equal(24, domains[0].VCpus);
    }

    [Fact]
    public void Pre_4_5_vcpu_rows_have_one_affinity_and_no_soft_affinity()
    {
        // The post has rows only; the header is xl 4.4's, from its format string.
        string header = string.Format("{0,-32} {1,5} {2,5} {3,5} {4,5} {5,9} {6}", "Name", "ID", "VCPU", "CPU", "State", "Time(s)", "CPU Affinity");
        var rows = XlVcpuListParser.Parse(header + "\n" + Capture("clickos-4-vcpu-list-rows.txt"), Host);

        Assert.Equal(Enumerable.Range(0, 19), rows.Select(r => r.VCpu));
        Assert.All(rows, r => Assert.Equal(("Domain-0", 0, "all", (string?)null), (r.Name, r.DomId, r.HardAffinity, r.SoftAffinity)));
        Assert.Equal(new XlVcpu("Domain-0", 0, 1, 14, "r--", 430.1, "all", null), rows[1]);
        Assert.Equal(21, rows[12].Cpu);
        Assert.Single(rows, r => r.Running);
    }

    [Fact]
    public void Xl_info_from_Xen_4_13_gives_the_typed_fields_without_the_later_keys()
    {
        var info = XlInfoParser.Parse(Capture("xcpng-562-info-4.13.txt"), Host);

        Assert.Equal(("xen-nimbus", "4.13.4-9.24.1", 16, 64892L, 1593L), (info.HostName, info.XenVersion, info.NrCpus, info.TotalMemoryMiB, info.FreeMemoryMiB));
        var values = info.Values.ToDictionary(kv => kv.Key, kv => kv.Value);
        Assert.Equal("6e2fc128eb1a, pq 61b8eb0f0db4", values["xen_changeset"]);
        Assert.Equal("pv hvm hvm_directio pv_directio hap shadow iommu_hap_pt_share", values["virt_caps"]);
        Assert.DoesNotContain("build_id", values.Keys);
    }
}
