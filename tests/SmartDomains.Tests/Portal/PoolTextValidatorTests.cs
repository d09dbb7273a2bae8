using SmartDomains.Portal;
using SmartDomains.Pools;
using SmartDomains.Tests.Pools;
using Xunit;

namespace SmartDomains.Tests.Portal;

public sealed class PoolTextValidatorTests : IDisposable
{
    private readonly PortalScratch _files = new();
    private static readonly string[] SearchPath = { PoolFixture.ShippedTemplates };

    public void Dispose() => _files.Dispose();

    // The file the text is for; it is never written, so a read of it would fail the tests.
    private string PoolPath => Path.Combine(_files.Root, "pools", "lab.json");

    private IReadOnlyList<PoolError> Validate(string text, string[]? searchPath = null) =>
        PoolTextValidator.Validate(text, PoolPath, searchPath ?? SearchPath);

    private const string Valid = """
        {
          "name": "lab",
          "domains": [
            { "name": "www", "extends": ["debian", "small-service"] },
            { "name": "g4", "extends": ["fedora", "batch-worker"], "count": 2, "dependsOn": "www" }
          ]
        }
        """;

    [Fact]
    public void A_valid_pool_has_no_errors()
    {
        Assert.Empty(Validate(Valid));
        Assert.False(File.Exists(PoolPath));
    }

    // The column of the first character of a snippet on line 5 of the text (1-based).
    private static int ColumnOf(string text, string snippet) => text.Split('\n')[4].IndexOf(snippet, StringComparison.Ordinal) + 1;

    [Fact]
    public void A_misspelled_key_comes_back_at_its_line_and_column_with_the_did_you_mean()
    {
        var text = Valid.Replace("\"count\": 2", "\"cuont\": 2");
        var error = Assert.Single(Validate(text));
        Assert.Equal((PoolPath, 5, "domains[1].cuont"), (error.File, error.Line, error.JsonPath));
        Assert.InRange(error.Column, ColumnOf(text, "\"cuont\""), ColumnOf(text, ": 2"));
        Assert.Equal("unknown key 'cuont' in a domain; did you mean 'count'?", error.Message);
    }

    [Fact]
    public void The_errors_are_the_ones_New_XenPool_gives_for_the_same_file_on_disk()
    {
        var text = Valid.Replace("\"count\": 2", "\"cuont\": 2, \"memory\": \"lots\"").Replace("\"fedora\"", "\"fedroa\"");
        var onDisk = _files.Write("pools/lab.json", text);
        var fromDisk = Assert.Throws<PoolFileInvalidException>(() => PoolFixture.Loader().LoadFile(onDisk)).Errors;
        File.Delete(onDisk);
        Assert.Equal(fromDisk, Validate(text));
        Assert.True(fromDisk.Count >= 3, string.Join("\n", fromDisk));
    }

    [Fact]
    public void An_unknown_template_comes_back_with_the_nearest_name()
    {
        var error = Assert.Single(Validate(Valid.Replace("\"fedora\"", "\"fedroa\"")));
        Assert.Equal((5, "domains[1].extends[0]"), (error.Line, error.JsonPath));
        Assert.Equal("template 'fedroa' does not exist; did you mean 'fedora'?", error.Message);
    }

    [Fact]
    public void A_bad_memory_size_is_refused_where_it_is_written()
    {
        var errors = Validate(Valid.Replace("\"count\": 2", "\"memory\": \"lots\""));
        Assert.NotEmpty(errors);
        Assert.All(errors, e => Assert.Equal((5, "domains[1].memory"), (e.Line, e.JsonPath)));
        Assert.Contains(errors, e => e.Message.StartsWith("'lots' is not a size"));
    }

    [Fact]
    public void A_syntax_error_has_its_line_and_column()
    {
        var text = Valid.Replace("\"count\": 2,", "\"count\" 2,");
        var error = Assert.Single(Validate(text));
        Assert.Equal(5, error.Line);
        Assert.InRange(error.Column, ColumnOf(text, "\"count\""), ColumnOf(text, "\"dependsOn\""));
        Assert.StartsWith("JSON syntax error: ", error.Message);
        var empty = Assert.Single(Validate(""));
        Assert.Equal((1, 1), (empty.Line, empty.Column));
        var duplicate = Assert.Single(Validate(Valid.Replace("\"count\": 2", "\"name\": \"again\"")));
        Assert.Equal(5, duplicate.Line);
        Assert.True(duplicate.Column > 0);
    }

    [Fact]
    public void Includes_resolve_next_to_the_file_and_their_errors_name_the_included_file()
    {
        var included = _files.Write("pools/site.json", """
            { "templates": {
                "site-web": { "extends": "debian", "vcpus": 0 } } }
            """);
        var errors = Validate("""{ "name": "lab", "include": "site.json", "domains": [ { "name": "www", "extends": "site-web" } ] }""");
        var error = Assert.Single(errors);
        Assert.Equal((included, 2), (error.File, error.Line));
        Assert.Equal("vcpus must be between 1 and 512, not 0", error.Message);
    }

    [Fact]
    public void A_library_is_checked_as_a_library_and_every_template_is_resolved()
    {
        var errors = Validate("""
            { "description": "site",
              "templates": {
                "web": { "extends": "debain", "memory": "1G" },
                "db": { "extends": "debian", "memroy": "1G", "domains": [] } } }
            """);
        Assert.Equal(new[] { 3, 4, 4 }, errors.Select(e => e.Line));
        Assert.Equal("template 'debain' does not exist; did you mean 'debian'?", errors[0].Message);
        Assert.Contains("did you mean 'memory'?", errors[1].Message);
        Assert.All(errors, e => Assert.Equal(PoolPath, e.File));
        Assert.Empty(Validate("""{ "templates": { "web": { "extends": ["debian", "small-service"] } } }"""));
    }

    [Fact]
    public void A_library_on_the_search_path_is_validated_as_typed_not_as_it_is_on_disk()
    {
        var site = _files.Write("pools/lab.json", """{ "templates": { "web": { "memroy": "1G" } } }""");
        Assert.Single(Validate("""{ "templates": { "web": { "memroy": "1G" } } }""", new[] { PoolFixture.ShippedTemplates, Path.GetDirectoryName(site)! }));
        Assert.Empty(Validate("""{ "templates": { "web": { "memory": "1G" } } }""", new[] { PoolFixture.ShippedTemplates, Path.GetDirectoryName(site)! }));
    }
}
