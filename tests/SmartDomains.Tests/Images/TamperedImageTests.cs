using System.Diagnostics;
using Newtonsoft.Json.Linq;
using SmartDomains.Images;
using Xunit;

namespace SmartDomains.Tests.Images;

/// <summary>
/// A repository is input: a manifest or archive edited by someone else is refused before anything is written on the host,
/// the host's snapshot (files, journal, domains) stays as it was, and an untouched image still restores afterwards.
/// </summary>
public sealed class TamperedImageTests : IClassFixture<TamperedImageTests.SavedImage>
{
    private static readonly CancellationToken None = CancellationToken.None;
    private readonly SavedImage _saved;

    public TamperedImageTests(SavedImage saved) => _saved = saved;

    /// <summary>One host with a domain "t" saved (and so stopped) into a local repository, shared by every case.</summary>
    public sealed class SavedImage : IDisposable
    {
        public ImageHost Host { get; } = new("tamper");
        public string Repo => Host.LocalRepo;
        public string Name { get; }
        public string Outside { get; }

        public SavedImage()
        {
            Host.CreateDomainAsync("t", ("t-xvda.img", 4L << 20, 1, 21), ("t-xvdb.img", 2L << 20, 1, 22)).GetAwaiter().GetResult();
            Name = ImageSaver.SaveAsync(Host.Connection, "t", ImageStore.Local(Repo), false, null, None).GetAwaiter().GetResult().Name;
            Outside = Path.Combine(Host.Root, "outside");
        }

        public void Dispose() => Host.Dispose();
    }

    /// <summary>
    /// Files under the host's directories (path and size), what its journal says exists, and what xl lists. A restore that
    /// unpacks on the host journals its temp dir made and removed, which leaves the same resources existing.
    /// </summary>
    private async Task<string> SnapshotAsync()
    {
        var root = Path.Combine(_saved.Host.Root, _saved.Host.Name);
        var files = Directory.EnumerateFileSystemEntries(root, "*", SearchOption.AllDirectories)
            .Where(f => !f.Contains("/var/lib/xen/emulator/", StringComparison.Ordinal))
            .Order(StringComparer.Ordinal)
            .Select(f => f.EndsWith("/journal.jsonl", StringComparison.Ordinal) ? f : f + " " + (File.Exists(f) ? new FileInfo(f).Length : -1));
        var journal = string.Join("\n", (await _saved.Host.JournalAsync()).Resources.Where(r => r.Exists).Select(r => $"{r.Kind} {r.Resource}"));
        var xl = string.Join("\n", SmartDomains.Xl.XlListParser.Parse((await _saved.Host.Connection.RunXlAsync(None, "list")).StdOut, "tamper")
            .Select(d => $"{d.Name} {d.DomId} {d.State}"));
        return string.Join("\n", files) + "\n--\n" + journal + "\n--\n" + xl;
    }

    /// <summary>
    /// A copy of the saved image under a new name, with its manifest (and optionally its archive) edited. An edited archive
    /// gets a matching archiveSha256, and a matching streamSha256 unless <paramref name="keepStream"/>.
    /// </summary>
    private async Task<XenImage> CopyAsync(string name, Action<JObject, string>? manifest = null, Action<string>? archive = null, bool keepStream = false)
    {
        var from = Path.Combine(_saved.Repo, _saved.Name);
        var to = Path.Combine(_saved.Repo, name);
        Directory.CreateDirectory(to);
        var json = JObject.Parse(await File.ReadAllTextAsync(Path.Combine(from, "manifest.json")));
        var archiveFile = Path.Combine(to, (string)json["archiveFile"]!);
        File.Copy(Path.Combine(from, (string)json["archiveFile"]!), archiveFile);
        json["name"] = name;
        if (archive is not null)
        {
            archive(archiveFile);
            json["archiveSha256"] = ImageHost.Sha(archiveFile);
            json["archiveBytes"] = new FileInfo(archiveFile).Length;
            if (!keepStream) json["streamSha256"] = ImageHost.StreamSha(archiveFile);
        }
        manifest?.Invoke(json, _saved.Host.ImageDir);
        await File.WriteAllTextAsync(Path.Combine(to, "manifest.json"), json.ToString());
        var listed = await ImageStore.Local(_saved.Repo).ListAsync(includeIncomplete: true, None);
        return listed.Single(i => i.Name == name);
    }

    private static void EditConfig(JObject m, Func<string, string> edit) => m["config"] = edit((string)m["config"]!);

    public static TheoryData<string, string> Manifests => new()
    {
        { "config-path-outside", "configPath" },
        { "config-path-climbs", "configPath" },
        { "config-path-relative", "configPath" },
        { "disk-outside", "members[1].originalPath" },
        { "disk-climbs", "members[1].originalPath" },
        { "disk-relative", "members[1].originalPath" },
        { "disk-in-config-dir", "members[1].originalPath" },
        { "domain-climbs", "domain" },
        { "domain-dom0", "domain" },
        { "domain-shell", "domain" },
        { "member-name-climbs", "members[1].name" },
        { "member-name-absolute", "members[1].name" },
        { "member-name-odd", "members[1].name" },
        { "member-kind-swapped", "members[1].kind" },
        { "member-twice", "members[2].name" },
        { "member-sha-in-format-2", "members[1].sha256" },
        { "stream-sha-not-hex", "streamSha256" },
        { "stream-sha-missing", "streamSha256" },
        { "format-unknown", "formatVersion" },
        { "no-memory", "members" },
        { "compression-shell", "compression" },
        { "archive-file-climbs", "archiveFile" },
        { "config-vif-script", "config: vif[0]" },
        { "config-vif-backend", "config: vif[0]" },
        { "config-vif-rate", "config: vif[0]" },
        { "config-disk-script", "config: disk[0]" },
        { "config-disk-other-target", "config: disk[0]" },
        { "config-extra-setting", "config" },
        { "config-name-differs", "config: name" },
        { "config-kernel-relative", "config: kernel" },
        { "config-bootloader-shell", "config: bootloader" },
        { "config-unparsable", "config" },
    };

    private void Edit(string kind, JObject m, string imageDir)
    {
        var members = (JArray)m["members"]!;
        var disk = (JObject)members[1];
        switch (kind)
        {
            case "config-path-outside": m["configPath"] = _saved.Outside + "/t.cfg"; break;
            case "config-path-climbs": m["configPath"] = _saved.Host.ConfigDir + "/../../../outside/t.cfg"; break;
            case "config-path-relative": m["configPath"] = "t.cfg"; break;
            case "disk-outside": disk["originalPath"] = _saved.Outside + "/t-xvda.img"; break;
            case "disk-climbs": disk["originalPath"] = imageDir + "/../../../../outside/x.img"; break;
            case "disk-relative": disk["originalPath"] = "x.img"; break;
            case "disk-in-config-dir": disk["originalPath"] = _saved.Host.ConfigDir + "/x.img"; break;
            case "domain-climbs": m["domain"] = "../t"; break;
            case "domain-dom0": m["domain"] = "Domain-0"; break;
            case "domain-shell": m["domain"] = "t;reboot"; break;
            case "member-name-climbs": disk["name"] = "../disk-0"; break;
            case "member-name-absolute": disk["name"] = "/etc/passwd"; break;
            case "member-name-odd": disk["name"] = "disk-0 "; break;
            case "member-kind-swapped": disk["kind"] = "memory"; break;
            case "member-twice": members[2]["name"] = disk["name"]; break;
            case "member-sha-in-format-2": disk["sha256"] = new string('0', 64); break;
            case "stream-sha-not-hex": m["streamSha256"] = "$(reboot)"; break;
            case "stream-sha-missing": m.Remove("streamSha256"); break;
            case "format-unknown": m["formatVersion"] = 3; break;
            case "no-memory": members.RemoveAt(members.IndexOf(members.First(x => (string)x["kind"]! == "memory"))); break;
            case "compression-shell": m["compression"] = "zstd;reboot"; break;
            case "archive-file-climbs": m["archiveFile"] = "../" + m["archiveFile"]; break;
            case "config-vif-script": EditConfig(m, c => c + "vif = [ 'mac=00:16:3e:00:00:01,bridge=xenbr0,script=/tmp/x' ]\n"); break;
            case "config-vif-backend": EditConfig(m, c => c + "vif = [ 'mac=00:16:3e:00:00:01,bridge=xenbr0,backend=0' ]\n"); break;
            case "config-vif-rate": EditConfig(m, c => c + "vif = [ 'bridge=xenbr0,mac=00:16:3e:00:00:01,rate=1Mb/s' ]\n"); break;
            case "config-disk-script": EditConfig(m, c => c.Replace("format=raw, vdev=xvda", "format=raw, script=/tmp/x, vdev=xvda")); break;
            case "config-disk-other-target": EditConfig(m, c => c.Replace("target=" + (string)disk["originalPath"]!, "target=/etc/shadow")); break;
            case "config-extra-setting": EditConfig(m, c => c + "device_model_override = \"/tmp/x\"\n"); break;
            case "config-name-differs": EditConfig(m, c => c.Replace("name = \"t\"", "name = \"other\"")); break;
            case "config-kernel-relative": EditConfig(m, c => System.Text.RegularExpressions.Regex.Replace(c, "kernel = \"[^\"]*\"", "kernel = \"vmlinuz\"")); break;
            case "config-bootloader-shell": EditConfig(m, c => c + "bootloader = \"/bin/sh -c reboot\"\n"); break;
            case "config-unparsable": EditConfig(m, c => c + "vif = [ \n"); break;
            default: throw new ArgumentException(kind);
        }
    }

    [Theory]
    [MemberData(nameof(Manifests))]
    public async Task A_tampered_manifest_is_XenImageInvalid_naming_the_field_and_the_host_is_unchanged(string kind, string field)
    {
        var image = await CopyAsync("m-" + kind, (m, dir) => Edit(kind, m, dir));
        var before = await SnapshotAsync();
        var commands = new List<string>();
        _saved.Host.Connection.CommandLog = commands.Add;
        XenHostException e;
        try { e = await Assert.ThrowsAsync<XenHostException>(() => ImageRestorer.RestoreAsync(_saved.Host.Connection, image, false, null, None)); }
        finally { _saved.Host.Connection.CommandLog = null; }
        Assert.Empty(commands);   // refused before any host command
        Assert.Equal(XenErrorIds.ImageInvalid, e.ErrorId);
        Assert.Contains($"manifest's {field} ", e.Message);
        Assert.Equal(before, await SnapshotAsync());
        Assert.False(Directory.Exists(_saved.Outside));
    }

    public static TheoryData<string> Archives => new() { "symlink-member", "dotdot-member", "absolute-member", "extra-member", "hardlink-member" };

    /// <summary>Rebuilds the archive with one hostile entry; the manifest's checksum is made to match, so only the listing can refuse it.</summary>
    private void Rebuild(string kind, string archive)
    {
        var work = Directory.CreateTempSubdirectory("sd-tamper-").FullName;
        try
        {
            Run("sh", "-c", "zstd -q -dc \"$1\" | (cd \"$2\" && tar -xf -)", "sh", archive, work);
            var extra = kind switch
            {
                "symlink-member" => "ln -sf /etc/passwd disk-1 && tar -cf - memory.save disk-0 disk-1",
                "dotdot-member" => "tar -P -cf - memory.save disk-0 disk-1 ../outside-x",
                "absolute-member" => "cp disk-1 abs && tar -P -cf - memory.save disk-0 disk-1 --transform \"s,^abs,$2/abs-outside,\" abs",
                "extra-member" => "echo x > notes && tar -cf - memory.save disk-0 disk-1 notes",
                "hardlink-member" => "ln -f disk-0 disk-1 && tar -cf - memory.save disk-0 disk-1",
                _ => throw new ArgumentException(kind),
            };
            if (kind == "dotdot-member") File.WriteAllText(Path.Combine(Path.GetDirectoryName(work)!, "outside-x"), "x");
            Run("sh", "-c", $"cd \"$1\" && {{ {extra}; }} | zstd -q -c > \"$3\"", "sh", work, _saved.Outside, archive);
        }
        finally { Directory.Delete(work, true); }
    }

    private static void Run(string file, params string[] args)
    {
        var psi = new ProcessStartInfo(file) { RedirectStandardError = true };
        foreach (var a in args) psi.ArgumentList.Add(a);
        using var p = Process.Start(psi)!;
        var err = p.StandardError.ReadToEnd();
        p.WaitForExit();
        Assert.True(p.ExitCode == 0, err);
    }

    [Theory]
    [MemberData(nameof(Archives))]
    public async Task An_archive_with_a_link_device_or_stray_member_is_refused_and_the_host_is_unchanged(string kind)
    {
        var image = await CopyAsync("a-" + kind, archive: a => Rebuild(kind, a));
        Assert.True(image.Complete, image.Problem);
        var before = await SnapshotAsync();
        var e = await Assert.ThrowsAsync<XenHostException>(() => ImageRestorer.RestoreAsync(_saved.Host.Connection, image, false, null, None));
        Assert.Equal(XenErrorIds.ImageCorrupt, e.ErrorId);
        Assert.Matches("entry|not a regular file", e.Message);
        Assert.Equal(before, await SnapshotAsync());
        Assert.False(Directory.Exists(_saved.Outside));
    }

    public static TheoryData<string> Contents => new() { "changed-byte", "changed-member", "truncated" };

    /// <summary>The archive's content changes and its own checksum is made to match: only the tar stream's SHA256 can tell.</summary>
    private static void Change(string kind, string archive)
    {
        var edit = kind switch
        {
            // Two bytes inside disk-1's data: the last 1 MiB of the stream before its end blocks (at most 11 KiB) is that data.
            "changed-byte" => "zstd -q -dc -- \"$1\" > \"$1.tar\" && printf 'XY' | dd of=\"$1.tar\" bs=1 seek=$(( $(stat -c %s \"$1.tar\") - 12000 )) conv=notrunc status=none",
            // disk-1 replaced by a file of the same size and other data.
            "changed-member" => "d=$(mktemp -d) && zstd -q -dc -- \"$1\" | (cd \"$d\" && tar -xSf - && head -c \"$(stat -c %s disk-1)\" /dev/urandom > x && mv x disk-1 && tar -Scf - memory.save disk-0 disk-1) > \"$1.tar\"; rm -rf \"$d\"",
            "truncated" => "zstd -q -dc -- \"$1\" | head -c 20480 > \"$1.tar\"",
            _ => throw new ArgumentException(kind),
        };
        ImageHost.Sh(edit + " && zstd -q -f -c -- \"$1.tar\" > \"$1\" && rm -f -- \"$1.tar\"", archive);
    }

    [Theory]
    [MemberData(nameof(Contents))]
    public async Task An_archive_whose_content_changed_is_XenImageCorrupt_and_the_host_is_unchanged(string kind)
    {
        var image = await CopyAsync("c-" + kind, archive: a => Change(kind, a), keepStream: true);
        Assert.True(image.Complete, image.Problem);
        var before = await SnapshotAsync();
        var e = await Assert.ThrowsAsync<XenHostException>(() => ImageRestorer.RestoreAsync(_saved.Host.Connection, image, false, null, None));
        Assert.Equal(XenErrorIds.ImageCorrupt, e.ErrorId);
        Assert.Matches("tar stream|does not unpack", e.Message);
        Assert.Equal(before, await SnapshotAsync());
    }

    [Fact]
    public async Task After_the_tampered_copies_the_untouched_image_still_restores()
    {
        var store = ImageStore.Local(_saved.Repo);
        var image = (await store.ListAsync(None)).Single(i => i.Name == _saved.Name);
        var domain = await ImageRestorer.RestoreAsync(_saved.Host.Connection, image, false, null, None);
        Assert.Equal("t", domain.Name);
        Assert.NotNull(await _saved.Host.StateOfAsync("t"));
        await _saved.Host.Connection.RunXlAsync(None, "destroy", "t");
    }
}
