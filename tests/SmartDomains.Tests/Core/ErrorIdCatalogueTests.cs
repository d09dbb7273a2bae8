using System.Reflection;
using System.Text.RegularExpressions;
using SmartDomains.Tests.Pools;
using Xunit;

namespace SmartDomains.Tests.Core;

/// <summary>Error ids are a compatibility promise: one catalogue defines them, each once, and no code spells one out itself.</summary>
public sealed class ErrorIdCatalogueTests
{
    private static readonly IReadOnlyDictionary<string, string> Ids = typeof(XenErrorIds)
        .GetFields(BindingFlags.Public | BindingFlags.Static).ToDictionary(f => f.Name, f => (string)f.GetRawConstantValue()!);

    [Fact]
    public void Every_id_is_defined_once_and_looks_like_one()
    {
        Assert.True(Ids.Count >= 50, $"{Ids.Count} ids");
        Assert.Equal(Ids.Count, Ids.Values.Distinct().Count());
        Assert.All(Ids.Values, id => Assert.Matches("^(Xen|Xl|Pool)[A-Z][A-Za-z]+$", id));
        // Ids that scripts already match on keep their spelling.
        Assert.Equal("XenImageCorrupt", XenErrorIds.ImageCorrupt);
        Assert.Equal("XenStorageConflict", XenErrorIds.StorageConflict);
        Assert.Equal("PoolFileInvalid", XenErrorIds.PoolFileInvalid);
        Assert.Equal("XenHostBusy", XenErrorIds.HostBusy);
    }

    [Fact]
    public void No_source_file_but_the_catalogue_writes_an_id_as_a_literal()
    {
        var ids = Ids.Values.ToHashSet();
        var offenders = new List<string>();
        foreach (var file in Directory.EnumerateFiles(Path.Combine(PoolFixture.RepoRoot, "src"), "*.cs", SearchOption.AllDirectories))
        {
            if (file.Contains("/obj/") || file.Contains("/bin/") || file.EndsWith("/XenErrorIds.cs", StringComparison.Ordinal)) continue;
            var lines = File.ReadAllLines(file);
            for (var i = 0; i < lines.Length; i++)
                foreach (Match m in Regex.Matches(lines[i], "\"([A-Za-z]+)\""))
                    if (ids.Contains(m.Groups[1].Value)) offenders.Add($"{file}:{i + 1}: {m.Value}");
        }
        Assert.Empty(offenders);
    }
}
