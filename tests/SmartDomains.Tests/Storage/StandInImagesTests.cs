using Newtonsoft.Json.Linq;
using SmartDomains.Hosts;
using SmartDomains.Lifecycle;
using SmartDomains.Planning;
using SmartDomains.State;
using SmartDomains.Storage;
using SmartDomains.Tests.Liveness;
using SmartDomains.Tests.Pools;
using Xunit;

namespace SmartDomains.Tests.Storage;

/// <summary>Emulated hosts bring stand-ins for the shipped templates' base images; real hosts still need a repository.</summary>
public sealed class StandInImagesTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("sd-standin-").FullName;
    public void Dispose() => Directory.Delete(_dir, true);

    [Fact]
    public void Every_base_image_a_shipped_template_clones_from_has_a_stand_in()
    {
        var text = File.ReadAllText(Path.Combine(PoolFixture.ShippedTemplates, "os-families.json"));
        var templates = (JObject)JObject.Parse(text, new JsonLoadSettings { CommentHandling = CommentHandling.Ignore })["templates"]!;
        var froms = templates.Properties().SelectMany(t => t.Value["disks"] as JArray ?? new JArray()).Select(d => (string?)d["from"]).OfType<string>();
        Assert.Equal(froms.Distinct().Order(), StandInImages.Names.Order());
    }

    [Fact]
    public void The_stand_ins_are_made_once_small_and_the_same_everywhere()
    {
        var one = StandInImages.Ensure(Path.Combine(_dir, "one"));
        var two = StandInImages.Ensure(Path.Combine(_dir, "two"));
        Assert.Equal(StandInImages.Names.Select(n => n + ".img"), one.Names);
        foreach (var name in StandInImages.Names)
        {
            var a = one.Resolve(name);
            Assert.Equal(StandInImages.SizeBytes, a.SizeBytes);
            Assert.Equal(a.Sha256, two.Resolve(name).Sha256);
        }
        var written = File.GetLastWriteTimeUtc(Path.Combine(one.Directory, "debian-12.img"));
        StandInImages.Ensure(one.Directory);
        Assert.Equal(written, File.GetLastWriteTimeUtc(Path.Combine(one.Directory, "debian-12.img")));
    }

    [Fact]
    public void Only_an_emulated_host_has_a_default_repository()
    {
        var ssh = new HostConnectionInfo { Name = "real", ComputerName = "10.0.0.1", DefaultImages = _dir };
        Assert.Null(StandInImages.DefaultFor(ssh));
        var emulated = new HostConnectionInfo { Name = "emu", Kind = HostKind.Emulator, DefaultImages = Path.Combine(_dir, "emu") };
        Assert.Equal(Path.Combine(_dir, "emu"), StandInImages.DefaultFor(emulated)!.Directory);
    }

    [Fact]
    public async Task A_pool_that_extends_debian_starts_on_a_fresh_emulated_host_with_no_repository_given()
    {
        using var host = new LivenessHost(name: "fresh");
        var file = PoolFixture.Write(_dir, "site.json", """{ "name": "site", "domains": [ { "name": "site-web", "extends": "debian", "memory": "256M" } ] }""");
        var plan = PoolPlanner.Plan(PoolFixture.Loader().LoadFile(file),
            new[] { new HostCapacity(host.Name, 16384, 15360, 8, host.Connection.Host.ConfigDir, host.Connection.Host.ImageDir) });
        var connections = new Dictionary<string, HostConnection>(StringComparer.OrdinalIgnoreCase) { [host.Name] = host.Connection };

        var results = await new PoolStarter(plan, connections, new PoolStartOptions()).RunAsync(CancellationToken.None);

        Assert.Equal(DomainStartStatus.Started, Assert.Single(results).Status);
        var image = (await new HostJournal(host.Connection).ReadStateAsync(CancellationToken.None)).Live.Single(r => r.Kind == ResourceKinds.BaseImage);
        Assert.Equal("debian-12", (string?)image.Data?["name"]);
        Assert.StartsWith(Path.Combine(host.Root, "base-images"), StandInImages.DefaultFor(host.Connection.Host.Connection)!.Directory);
        await host.Connection.RunAsync(Remote.RemoteCommand.Xl("destroy", "site-web"), CancellationToken.None);
    }
}
