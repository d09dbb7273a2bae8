using SmartDomains.Portal;
using SmartDomains.Tests.Pools;
using Xunit;

namespace SmartDomains.Tests.Portal;

public sealed class TemplateCatalogTests : IDisposable
{
    private readonly PortalScratch _files = new();
    private static readonly string OsFamilies = Path.Combine(PoolFixture.ShippedTemplates, "os-families.json");
    private static readonly string Sizes = Path.Combine(PoolFixture.ShippedTemplates, "sizes.json");

    public void Dispose() => _files.Dispose();

    private string Folder => Path.Combine(_files.Root, "portal");

    private TemplateCatalogResult Read(params string[] searchPath) =>
        TemplateCatalog.Read(PoolFixture.ShippedTemplates, searchPath, Directory.Exists(Folder) ? Folder : null);

    private static TemplateValue Value(TemplateInfo template, string path) => Assert.Single(template.Values, v => v.Path == path);

    [Fact]
    public void A_shipped_template_has_its_chain_and_every_merged_value_with_the_line_it_was_written_at()
    {
        var result = Read();
        Assert.Empty(result.Errors);
        var debian = Assert.Single(result.Templates, t => t.Name == "debian");
        Assert.Equal(("shipped", OsFamilies, PortalScratch.LineOf(OsFamilies, "\"debian\": {")), (debian.Source, debian.File, debian.Line));
        Assert.Equal(new[] { "debian", "base" }, debian.Chain);
        Assert.Equal("Debian 12 from the debian-12 base image.", debian.Description);
        Assert.Null(debian.Pool);

        Assert.Equal(new TemplateValue("memory", "\"1G\"", OsFamilies, PortalScratch.LineOf(OsFamilies, "\"memory\": \"1G\"")), Value(debian, "memory"));
        Assert.Equal("\"debian-12\"", Value(debian, "disks[0].from").Json);
        Assert.Equal(PortalScratch.LineOf(OsFamilies, "\"from\": \"debian-12\""), Value(debian, "disks[0].from").Line);
        Assert.Equal("\"xenbr0\"", Value(debian, "network[0].bridge").Json);
        Assert.Equal("3", Value(debian, "liveness.retries").Json);
        // "description" describes the template itself and is not passed on.
        Assert.DoesNotContain(debian.Values, v => v.Path == "description");
        Assert.Contains(result.Templates, t => t.Name == "batch-worker" && t.File == Sizes && t.Chain.SequenceEqual(new[] { "batch-worker" }));
    }

    [Fact]
    public void A_library_under_the_folder_overrides_a_shipped_template_and_a_site_one_of_the_same_name()
    {
        var site = _files.Write("site/site.json", """
            { "templates": {
                "debian": { "extends": "base", "memory": "2G", "vcpus": 2 },
                "site-only": { "extends": "debian" } } }
            """);
        var library = _files.Write("portal/libs/override.json", """
            { "templates": {
                "debian": {
                  "extends": "base",
                  "memory": "4G"
                } } }
            """);
        var result = Read(Path.GetDirectoryName(site)!);
        Assert.Empty(result.Errors);

        var debian = Assert.Single(result.Templates, t => t.Name == "debian");
        Assert.Equal(("library", library, 2), (debian.Source, debian.File, debian.Line));
        Assert.Equal(new TemplateValue("memory", "\"4G\"", library, 4), Value(debian, "memory"));
        Assert.Equal(OsFamilies, Value(debian, "bootloader").File);    // from the shipped base
        Assert.DoesNotContain(debian.Values, v => v.Path == "vcpus" && v.File == site);
        // A site template extends whatever wins the name: the folder's debian.
        var siteOnly = Assert.Single(result.Templates, t => t.Name == "site-only");
        Assert.Equal("search path", siteOnly.Source);
        Assert.Equal(new[] { "site-only", "debian", "base" }, siteOnly.Chain);
        Assert.Equal(library, Value(siteOnly, "memory").File);
    }

    [Fact]
    public void A_pool_files_own_templates_are_listed_for_that_pool_without_hiding_the_library_ones()
    {
        var pool = _files.Write("portal/lab.json", """
            {
              "name": "lab",
              "templates": {
                "slc": { "extends": ["slc-base", "small-service"], "memory": "3G" },
                "slc-base": { "extends": "base", "disks": [ { "size": "4G" } ] }
              },
              "domains": [ { "name": "ce", "extends": "slc", "memroy": "1G" } ]
            }
            """);
        var result = Read();
        Assert.Empty(result.Errors);    // the misspelled domain key is the editor's to show, not the catalog's

        var shippedSlc = Assert.Single(result.Templates, t => t.Name == "slc" && t.Pool is null);
        Assert.Equal(OsFamilies, shippedSlc.File);
        var poolSlc = Assert.Single(result.Templates, t => t.Name == "slc" && t.Pool == pool);
        Assert.Equal(("library", PortalScratch.LineOf(pool, "\"slc\": {")), (poolSlc.Source, poolSlc.Line));
        Assert.Equal(new[] { "slc", "slc-base", "base", "small-service" }, poolSlc.Chain);
        Assert.Equal(pool, Value(poolSlc, "disks[0].size").File);
        Assert.Equal("\"restart\"", Value(poolSlc, "onCrash").Json);
        Assert.Contains(result.Templates, t => t.Name == "slc-base" && t.Pool == pool);
    }

    [Fact]
    public void Lists_appended_with_plus_keep_each_items_file_and_lists_of_plain_values_stay_whole()
    {
        var library = _files.Write("portal/workers.json", """
            { "templates": {
                "worker": {
                  "extends": "debian",
                  "disks+": [ { "size": "20G", "vdev": "xvdb" } ],
                  "schedule": { "windows": ["Mon-Fri 19:00-07:00", "Sat-Sun"], "outside": "save" },
                  "dependsOn": "db"
                } } }
            """);
        var worker = Assert.Single(Read().Templates, t => t.Name == "worker");
        Assert.Equal((OsFamilies, "\"8G\""), (Value(worker, "disks[0].size").File, Value(worker, "disks[0].size").Json));
        Assert.Equal(new TemplateValue("disks[1].size", "\"20G\"", library, 4), Value(worker, "disks[1].size"));
        Assert.Equal(new TemplateValue("schedule.windows", """["Mon-Fri 19:00-07:00","Sat-Sun"]""", library, 5), Value(worker, "schedule.windows"));
        Assert.Equal("\"save\"", Value(worker, "schedule.outside").Json);
        Assert.Equal("\"db\"", Value(worker, "dependsOn").Json);
    }

    [Fact]
    public void Broken_files_come_back_as_errors_and_the_rest_is_still_listed()
    {
        var syntax = _files.Write("portal/a-syntax.json", "{ \"templates\": {\n  \"x\": { \"memory\": \"1G\", }\n  oops }");
        var typo = _files.Write("portal/b-typo.json", """
            { "templates": {
                "web": { "extends": "debain", "memroy": "1G" },
                "loop-a": { "extends": "loop-b" },
                "loop-b": { "extends": "loop-a" } } }
            """);
        var result = Read();

        Assert.Contains(result.Errors, e => e.File == syntax && e.Line == 3 && e.Column > 0 && e.Message.StartsWith("JSON syntax error"));
        Assert.Contains(result.Errors, e => e.File == typo && e.Line == 2 && e.Message == "template 'debain' does not exist; did you mean 'debian'?");
        Assert.Contains(result.Errors, e => e.File == typo && e.Line == 2 && e.Message.Contains("did you mean 'memory'?"));
        Assert.Contains(result.Errors, e => e.File == typo && e.Message.Contains("cycle"));
        var web = Assert.Single(result.Templates, t => t.Name == "web");
        Assert.Equal(new[] { "web" }, web.Chain);
        Assert.Contains(result.Templates, t => t.Name == "debian");
        Assert.DoesNotContain(result.Templates, t => t.Name == "x");
    }

    [Fact]
    public void Files_and_folders_can_be_named_one_by_one_and_a_file_given_twice_is_read_once()
    {
        var pool = _files.Write("pools/glite.json", """
            { "name": "glite", "templates": { "glite-ce": { "extends": "slc", "vcpus": 2 } },
              "domains": [ { "name": "ce", "extends": "glite-ce" } ] }
            """);
        _files.Write("libs/a/web.json", """{ "templates": { "web": { "extends": "debian" } } }""");
        _files.Write("libs/b/db.json", """{ "templates": { "db": { "extends": "debian" } } }""");
        var result = TemplateCatalog.Read(PoolFixture.ShippedTemplates, Array.Empty<string>(),
            new[] { pool, pool, Path.Combine(_files.Root, "libs") });
        Assert.Empty(result.Errors);
        var ce = Assert.Single(result.Templates, t => t.Name == "glite-ce");
        Assert.Equal(pool, ce.Pool);
        Assert.Equal(new[] { "glite-ce", "slc", "base" }, ce.Chain);
        Assert.Contains(result.Templates, t => t.Name == "web" && t.Source == "library");
        Assert.Contains(result.Templates, t => t.Name == "db" && t.Source == "library");
    }
}
