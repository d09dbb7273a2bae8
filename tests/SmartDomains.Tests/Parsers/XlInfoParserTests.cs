using SmartDomains.Xl;
using Xunit;
using static SmartDomains.Tests.Parsers.XlSamples;

namespace SmartDomains.Tests.Parsers;

public class XlInfoParserTests
{
    private static readonly string[] ReferenceOrder =
    {
        "host", "release", "version", "machine", "nr_cpus", "max_cpu_id", "nr_nodes", "cores_per_socket",
        "threads_per_core", "cpu_mhz", "hw_caps", "virt_caps", "total_memory", "free_memory", "sharing_freed_memory",
        "sharing_used_memory", "outstanding_claims", "free_cpus", "xen_major", "xen_minor", "xen_extra", "xen_version",
        "xen_caps", "xen_scheduler", "xen_pagesize", "platform_params", "xen_changeset", "xen_commandline",
        "cc_compiler", "cc_compile_by", "cc_compile_domain", "cc_compile_date", "build_id", "xend_config_format",
    };

    [Fact]
    public void Sample_file_has_every_key_in_xl_order_and_typed_values()
    {
        var info = XlInfoParser.Parse(Read("info.txt"), Host);
        Assert.Equal(ReferenceOrder, info.Values.Select(kv => kv.Key));
        Assert.Equal("xenhost01.cern.ch", info.HostName);
        Assert.Equal("6.1.0-18-amd64", info.Release);
        Assert.Equal("x86_64", info.Machine);
        Assert.Equal(16, info.NrCpus);
        Assert.Equal(65301, info.TotalMemoryMiB);
        Assert.Equal(40123, info.FreeMemoryMiB);
        Assert.Equal("4.17.3", info.XenVersion);

        var v = info.Values.ToDictionary(kv => kv.Key, kv => kv.Value);
        Assert.Equal("#1 SMP PREEMPT_DYNAMIC Debian 6.1.76-1 (2024-02-01)", v["version"]);
        Assert.Equal("hvm hvm_directio directio", v["virt_caps"]);
        Assert.Equal("2899.998", v["cpu_mhz"]);
        Assert.Equal("", v["xen_changeset"]);
        Assert.Equal(".3", v["xen_extra"]);
        Assert.Equal("placeholder dom0_mem=4096M,max:4096M console=com1,vga", v["xen_commandline"]);
        Assert.Equal("Tue Feb 27 10:00:00 UTC 2024", v["cc_compile_date"]);
        Assert.Equal("4", v["xend_config_format"]);
    }

    private static string Info(params (string Key, string Value)[] overrides)
    {
        var lines = new List<string>();
        var map = overrides.ToDictionary(o => o.Key, o => o.Value);
        foreach (var key in ReferenceOrder)
        {
            string value = map.TryGetValue(key, out var o) ? o : key switch
            {
                "host" => "h1", "release" => "6.1.0", "machine" => "x86_64", "nr_cpus" => "4", "total_memory" => "8192",
                "free_memory" => "4096", "xen_major" => "4", "xen_minor" => "17", "xen_extra" => ".0", "xen_version" => "4.17.0",
                _ => "x",
            };
            if (value == "<omit>") continue;
            lines.Add(InfoLine(key, value));
        }
        return string.Join("\n", lines) + "\n";
    }

    [Theory]
    [InlineData("0", 0L)]
    [InlineData("1", 1L)]
    [InlineData("1048576", 1048576L)]
    [InlineData("4398046511104", 4398046511104L)]
    public void Memory_values_are_MiB(string free, long expected)
    {
        Assert.Equal(expected, XlInfoParser.Parse(Info(("free_memory", free)), Host).FreeMemoryMiB);
    }

    // The info() of Xen 4.0/4.1's tools/libxl/xl_cmdimpl.c: no max_cpu_id, sharing_*, outstanding_claims, free_cpus,
    // xen_version or build_id; cpu_mhz is "%d"; virt_caps lists only hvm and hvm_directio.
    private static readonly string[] Xen41Order =
    {
        "host", "release", "version", "machine", "nr_cpus", "nr_nodes", "cores_per_socket", "threads_per_core", "cpu_mhz",
        "hw_caps", "virt_caps", "total_memory", "free_memory", "xen_major", "xen_minor", "xen_extra", "xen_caps",
        "xen_scheduler", "xen_pagesize", "platform_params", "xen_changeset", "xen_commandline", "cc_compiler",
        "cc_compile_by", "cc_compile_domain", "cc_compile_date", "xend_config_format",
    };

    [Fact]
    public void The_key_set_of_Xen_4_1_parses_with_the_version_from_its_parts()
    {
        var values = new Dictionary<string, string>
        {
            ["host"] = "xen41", ["release"] = "2.6.32-5-xen-amd64", ["machine"] = "x86_64", ["nr_cpus"] = "8", ["cpu_mhz"] = "2400",
            ["total_memory"] = "12279", ["free_memory"] = "9811", ["xen_major"] = "4", ["xen_minor"] = "1", ["xen_extra"] = ".4",
            ["virt_caps"] = "hvm hvm_directio", ["xen_scheduler"] = "credit", ["xend_config_format"] = "4",
        };
        string text = string.Join("\n", Xen41Order.Select(k => InfoLine(k, values.GetValueOrDefault(k, "x")))) + "\n";

        var info = XlInfoParser.Parse(text, Host);

        Assert.Equal(Xen41Order, info.Values.Select(kv => kv.Key));
        Assert.Equal(("4.1.4", 8, 12279L, 9811L), (info.XenVersion, info.NrCpus, info.TotalMemoryMiB, info.FreeMemoryMiB));
        Assert.Equal("2400", info.Values.Single(kv => kv.Key == "cpu_mhz").Value);
    }

    [Fact]
    public void Version_is_built_from_major_minor_extra_when_xen_version_is_missing()
    {
        var info = XlInfoParser.Parse(Info(("xen_version", "<omit>"), ("xen_minor", "18"), ("xen_extra", "-unstable")), Host);
        Assert.Equal("4.18-unstable", info.XenVersion);
    }

    [Fact]
    public void Empty_virt_caps_has_no_space_after_the_colon()
    {
        string text = Info().Replace(InfoLine("virt_caps", "x"), "virt_caps              :");
        var v = XlInfoParser.Parse(text, Host).Values.ToDictionary(kv => kv.Key, kv => kv.Value);
        Assert.Equal("", v["virt_caps"]);
    }

    [Fact]
    public void Crlf_output_parses()
    {
        var info = XlInfoParser.Parse(WithCrLf(Read("info.txt")) + "\r\n", Host);
        Assert.Equal(34, info.Values.Count);
        Assert.Equal("4.17.3", info.XenVersion);
    }

    [Fact]
    public void Numa_tables_of_info_n_become_multi_line_values()
    {
        string text = Info().Replace(InfoLine("free_cpus", "x") + "\n",
            InfoLine("free_cpus", "0") + "\n" +
            "cpu_topology           :\n" +
            "cpu:    core    socket     node\n" +
            "  0:       0        0        0\n" +
            "  1:       1        0        0\n" +
            "device topology        :\n" +
            "device           node\n" +
            "0000:00:00.0      0\n" +
            "numa_info              :\n" +
            "node:    memsize    memfree    distances\n" +
            "   0:      8192       4096      10\n");
        var info = XlInfoParser.Parse(text, Host);
        var v = info.Values.ToDictionary(kv => kv.Key, kv => kv.Value);
        Assert.Equal("cpu:    core    socket     node\n  0:       0        0        0\n  1:       1        0        0", v["cpu_topology"]);
        Assert.Equal("device           node\n0000:00:00.0      0", v["device topology"]);
        Assert.Equal("node:    memsize    memfree    distances\n   0:      8192       4096      10", v["numa_info"]);
        Assert.Equal(37, info.Values.Count);
    }

    [Fact]
    public void A_key_longer_than_the_column_is_accepted()
    {
        string text = Info() + "a_future_key_longer_than_23: yes\n";
        var info = XlInfoParser.Parse(text, Host);
        Assert.Equal(new KeyValuePair<string, string>("a_future_key_longer_than_23", "yes"), info.Values[^1]);
    }

    public static TheoryData<string, string> Malformed => new()
    {
        { "", "empty" },
        { "host: h1\n", "expected 'key : value'" },
        { Info() + "garbage line\n", "garbage line" },
        { Info() + "\n" + InfoLine("extra", "1") + "\n", "line 35" },
        { Info(("nr_cpus", "<omit>")), "'nr_cpus' is missing" },
        { Info(("host", "<omit>")), "'host' is missing" },
        { Info(("total_memory", "<omit>")), "'total_memory' is missing" },
        { Info(("nr_cpus", "four")), "'nr_cpus' is not a whole number" },
        { Info(("free_memory", "-1")), "'free_memory' is not a whole number" },
        { Info(("total_memory", "8 GiB")), "'total_memory' is not a whole number" },
        { Info(("xen_version", "<omit>"), ("xen_major", "<omit>")), "xen_version" },
        { Info() + InfoLine("host", "again") + "\n", "appears twice" },
        { Info().Substring(0, 200), "Cannot parse the output of 'xl info'" },
    };

    [Theory]
    [MemberData(nameof(Malformed))]
    public void Malformed_output_raises_XlOutputUnparsable(string text, string inMessage)
    {
        var ex = Assert.Throws<XenHostException>(() => XlInfoParser.Parse(text, Host));
        Assert.Equal(XenErrorIds.XlOutputUnparsable, ex.ErrorId);
        Assert.Contains(inMessage, ex.Message);
    }

    [Theory]
    [InlineData("65301\n", "65301")]
    [InlineData("4.17.3\r\n", "4.17.3")]
    [InlineData("\n", "")]
    [InlineData("placeholder dom0_mem=4096M,max:4096M\n", "placeholder dom0_mem=4096M,max:4096M")]
    [InlineData("no-newline", "no-newline")]
    public void ParseValue_returns_the_value_alone(string text, string expected)
    {
        Assert.Equal(expected, XlInfoParser.ParseValue(text, "total_memory", Host));
    }

    [Theory]
    [InlineData("", "not an xl info key")]
    [InlineData("4\n17\n.3\n4.17.3\n", "prefix of several keys")]
    public void ParseValue_rejects_nothing_and_several_values(string text, string inMessage)
    {
        var ex = Assert.Throws<XenHostException>(() => XlInfoParser.ParseValue(text, "xen", Host));
        Assert.Equal(XenErrorIds.XlOutputUnparsable, ex.ErrorId);
        Assert.Contains(inMessage, ex.Message);
        Assert.Contains("xl info xen", ex.Message);
    }
}
