using SmartDomains.Xl;
using Xunit;

namespace SmartDomains.Tests.Parsers;

public class XlErrorClassifierTests
{
    private static string[] Argv(string commandLine) => commandLine.Split(' ', StringSplitOptions.RemoveEmptyEntries);

    [Theory]
    // General
    [InlineData("xl pause vm9", 1, "vm9 is an invalid domain identifier (rc=-6)\n", XlErrorKind.InvalidDomainIdentifier, "vm9 is an invalid domain identifier (rc=-6)", "vm9", -6)]
    [InlineData("xl shutdown web 01", 1, "web is an invalid domain identifier (rc=-6)\n", XlErrorKind.InvalidDomainIdentifier, "web is an invalid domain identifier (rc=-6)", "web", -6)]
    [InlineData("xl block-list vm9", 0, "vm9 is an invalid domain identifier\n", XlErrorKind.InvalidDomainIdentifier, "vm9 is an invalid domain identifier", "vm9", null)]
    [InlineData("xl list 42", 1, "Error: Domain '42' does not exist.\n", XlErrorKind.DomainDoesNotExist, "Error: Domain '42' does not exist.", "42", null)]
    [InlineData("xl vcpu-set 42 2", 1, "Domain 42 does not exist.\n", XlErrorKind.DomainDoesNotExist, "Domain 42 does not exist.", "42", null)]
    [InlineData("xl domid vm9", 1, "Can't get domid of domain name 'vm9', maybe this domain does not exist.\n", XlErrorKind.CannotGetDomId, "Can't get domid of domain name 'vm9', maybe this domain does not exist.", "vm9", null)]
    [InlineData("xl domname 42", 1, "Can't get domain name of domain id '42', maybe this domain does not exist.\n", XlErrorKind.CannotGetDomainName, "Can't get domain name of domain id '42', maybe this domain does not exist.", "42", null)]
    [InlineData("xl frobnicate", 1, "command not implemented\n", XlErrorKind.CommandNotImplemented, "command not implemented", null, null)]
    [InlineData("xl list -q", 2, "option `q' not supported.\n", XlErrorKind.OptionNotSupported, "option `q' not supported.", null, null)]
    [InlineData("xl save vm1", 2, "'xl save' requires at least 2 arguments.\n\nUsage: xl [-v] save [options] <Domain> <CheckpointFile> [<ConfigFile>]\n", XlErrorKind.MissingArguments, "'xl save' requires at least 2 arguments.", null, null)]
    [InlineData("xl pause", 2, "'xl pause' requires at least 1 argument.\n\nUsage: xl [-v] pause <Domain>\n\nPause execution of a domain.\n", XlErrorKind.MissingArguments, "'xl pause' requires at least 1 argument.", null, null)]
    // shutdown / reboot / destroy
    [InlineData("xl shutdown vm1", 1, "Shutting down domain 3\nshutdown failed (rc=-3)\n", XlErrorKind.ShutdownFailed, "shutdown failed (rc=-3)", "vm1", -3)]
    [InlineData("xl reboot -w vm1", 1, "Rebooting domain 3\nreboot failed (rc=-8)\n", XlErrorKind.RebootFailed, "reboot failed (rc=-8)", "vm1", -8)]
    [InlineData("xl destroy vm1", 1, "libxl: error: libxl_domain.c:1234:libxl__destroy_domid: Domain 3:Non-existant domain\ndestroy failed (rc=-21)\n", XlErrorKind.DestroyFailed, "destroy failed (rc=-21)", "vm1", -21)]
    [InlineData("xl destroy 0", 1, "Not destroying domain 0; use -f to force.\nThis can only be done when using a disaggregated hardware domain and toolstack.\n\n", XlErrorKind.Domain0Refused, "Not destroying domain 0; use -f to force.", "0", null)]
    [InlineData("xl shutdown", 1, "You must specify -a or a domain id.\n\n", XlErrorKind.DomainNotSpecified, "You must specify -a or a domain id.", null, null)]
    [InlineData("xl shutdown hvm1", 1, "Shutting down domain 4\nPV control interface not available: external graceful shutdown not possible.\nUse \"-F\" to fallback to ACPI power event.\nshutdown failed (rc=-11)\n", XlErrorKind.NoPvControl, "PV control interface not available: external graceful shutdown not possible.", "hvm1", -11)]
    [InlineData("xl shutdown -w vm1", 1, "Shutting down domain 3\nguest didn't acknowledge control request: -9\n", XlErrorKind.GuestDidNotAcknowledge, "guest didn't acknowledge control request: -9", "vm1", -9)]
    // create
    [InlineData("xl create /etc/xen/vm1.cfg", 3, "Parsing config from /etc/xen/vm1.cfg\nfailed to free memory for the domain\n", XlErrorKind.OutOfMemory, "failed to free memory for the domain", null, null)]
    [InlineData("xl create /etc/xen/vm1.cfg", 3, "Parsing config from /etc/xen/vm1.cfg\nlibxl: error: libxl_domain.c:81:libxl__domain_rename: Domain 7:Domain with name \"vm1\" already exists.\nlibxl: error: libxl_create.c:1309:initiate_domain_create: Domain 7:cannot make domain: -6\n", XlErrorKind.NameExists, "Domain with name \"vm1\" already exists.", "vm1", -6)]
    [InlineData("xl create /etc/xen/vm1.cfg", 3, "Parsing config from /etc/xen/vm1.cfg\nlibxl: error: libxl_device.c:397:libxl__device_disk_set_backend: Disk vdev=xvda failed to stat: /dev/vg0/vm1-disk: No such file or directory\nlibxl: error: libxl_create.c:1199:initiate_domain_create: Domain 8:Unable to set disk defaults for disk 0\n", XlErrorKind.DiskStatFailed, "Disk vdev=xvda failed to stat: /dev/vg0/vm1-disk: No such file or directory", "8", null)]
    [InlineData("xl create /etc/xen/nope.cfg", 3, "Failed to read config file: /etc/xen/nope.cfg: No such file or directory\n", XlErrorKind.ConfigReadFailed, "Failed to read config file: /etc/xen/nope.cfg: No such file or directory", null, null)]
    [InlineData("xl create /etc/xen/bad.cfg", 1, "Parsing config from /etc/xen/bad.cfg\n/etc/xen/bad.cfg:3: config parsing error near `]': syntax error, unexpected ']', expecting STRING or NUMBER or '['\nFailed to parse config: Invalid argument\n", XlErrorKind.ConfigParseError, "/etc/xen/bad.cfg:3: config parsing error near `]': syntax error, unexpected ']', expecting STRING or NUMBER or '['", null, null)]
    [InlineData("xl create /etc/xen/bad.cfg", 1, "Parsing config from /etc/xen/bad.cfg\nFailed to parse config: Invalid argument\n", XlErrorKind.ConfigInvalid, "Failed to parse config: Invalid argument", null, null)]
    [InlineData("xl create /etc/xen/noname.cfg", 1, "Parsing config from /etc/xen/noname.cfg\nDomain name must be specified.\n", XlErrorKind.ConfigInvalid, "Domain name must be specified.", null, null)]
    // save / restore
    [InlineData("xl save vm1 /var/lib/xen/save/vm1", 1, "Saving to /var/lib/xen/save/vm1 new xl format (info 0x3/0x0/1021)\nlibxl: error: libxl_stream_write.c:350:libxl__xc_domain_save_done: Domain 3:saving domain: domain did not respond to suspend request: Invalid argument\nFailed to save domain, resuming domain\n", XlErrorKind.SaveFailed, "Failed to save domain, resuming domain", "vm1", null)]
    [InlineData("xl save vm1 /readonly/vm1", 1, "Failed to open temp file /readonly/vm1 for writing\n", XlErrorKind.SaveFailed, "Failed to open temp file /readonly/vm1 for writing", "vm1", null)]
    [InlineData("xl restore /tmp/garbage", 1, "File has wrong magic number - corrupt or for a different tool?\n", XlErrorKind.WrongMagicNumber, "File has wrong magic number - corrupt or for a different tool?", null, null)]
    [InlineData("xl restore /tmp/missing", 1, "Can't open restore file: No such file or directory\n", XlErrorKind.RestoreFileOpenFailed, "Can't open restore file: No such file or directory", null, null)]
    // toolstack and generic libxl
    [InlineData("xl list", 1, "xencall: error: Could not obtain handle on privileged command interface: No such file or directory\nlibxl: error: libxl.c:102:libxl_ctx_alloc: cannot open libxc handle: No such file or directory\ncannot init xl context\n", XlErrorKind.ToolstackUnavailable, "xencall: error: Could not obtain handle on privileged command interface: No such file or directory", null, null)]
    [InlineData("xl pause vm1", 0, "libxl: error: libxl_domain.c:571:libxl_domain_pause: Domain 3:Pausing domain 3 failed\n", XlErrorKind.LibxlError, "Pausing domain 3 failed", "vm1", null)]
    [InlineData("xl mem-set vm1 64g", 1, "something xl never said\n", XlErrorKind.Unknown, "something xl never said", "vm1", null)]
    public void Known_messages_are_classified(string commandLine, int exit, string stderr, XlErrorKind kind, string message, string? domain, int? rc)
    {
        var e = XlErrorClassifier.Classify(Argv(commandLine), exit, stderr);
        Assert.NotNull(e);
        Assert.Equal(kind, e!.Kind);
        Assert.Equal(message, e.Message);
        Assert.Equal(domain, e.Domain);
        Assert.Equal(rc, e.Rc);
        Assert.Equal(exit, e.ExitCode);
        Assert.Equal(Argv(commandLine).Skip(1).FirstOrDefault(), e.Command);
    }

    [Theory]
    [InlineData("libxl_domain.c:81:libxl__domain_rename")]
    [InlineData("libxl_domain.c:999:libxl__domain_rename")]
    [InlineData("libxl_dom.c:7:libxl__domain_rename")]
    public void Libxl_line_numbers_do_not_matter(string location)
    {
        string stderr = $"libxl: error: {location}: Domain 12:Domain with name \"vm1\" already exists.\n";
        var e = XlErrorClassifier.Classify(Argv("xl create /etc/xen/vm1.cfg"), 3, stderr)!;
        Assert.Equal(XlErrorKind.NameExists, e.Kind);
        Assert.Equal("Domain with name \"vm1\" already exists.", e.Message);
        Assert.Equal(12, e.DomId);
        Assert.Equal("libxl__domain_rename", e.LibxlFunction);
    }

    [Fact]
    public void Config_parse_error_carries_file_and_line()
    {
        var e = XlErrorClassifier.Classify(Argv("create -q /etc/xen/pools/web01.cfg memory=512"), 1,
            "/etc/xen/pools/web01.cfg:12: config parsing error near `=': syntax error, unexpected '=', expecting $end or ';' or NEWLINE\r\n")!;
        Assert.Equal(XlErrorKind.ConfigParseError, e.Kind);
        Assert.Equal("/etc/xen/pools/web01.cfg", e.Path);
        Assert.Equal(12, e.Line);
        Assert.Equal("create", e.Command);
    }

    [Theory]
    [InlineData("/etc/xen/a.cfg:4: config parsing error near <newline>: syntax error, unexpected NEWLINE, expecting STRING\n", 4)]
    [InlineData("/etc/xen/a.cfg:9: config parsing error near : syntax error, unexpected $end\n", 9)]
    [InlineData("command line:1: config parsing error near `x': syntax error\n", 1)]
    public void Config_parse_error_variants(string stderr, int line)
    {
        var e = XlErrorClassifier.Classify(Argv("xl create /etc/xen/a.cfg"), 1, stderr)!;
        Assert.Equal(XlErrorKind.ConfigParseError, e.Kind);
        Assert.Equal(line, e.Line);
    }

    [Fact]
    public void Disk_stat_failure_carries_the_target_path()
    {
        var e = XlErrorClassifier.Classify(Argv("xl create /etc/xen/vm1.cfg"), 3,
            "libxl: error: libxl_device.c:400:libxl__device_disk_set_backend: Disk vdev=xvdb failed to stat: /var/lib/xen/images/vm1.img: No such file or directory\n")!;
        Assert.Equal(XlErrorKind.DiskStatFailed, e.Kind);
        Assert.Equal("/var/lib/xen/images/vm1.img", e.Path);
        Assert.Equal("libxl__device_disk_set_backend", e.LibxlFunction);
    }

    [Fact]
    public void Restore_errors_name_the_file_from_argv()
    {
        var e = XlErrorClassifier.Classify(Argv("xl restore -p /etc/xen/vm1.cfg /var/lib/xen/save/vm1"), 1,
            "File has wrong magic number - corrupt or for a different tool?\n")!;
        Assert.Equal("/var/lib/xen/save/vm1", e.Path);
    }

    [Fact]
    public void Save_failure_names_the_file_from_argv()
    {
        var e = XlErrorClassifier.Classify(Argv("xl save -c vm1 /var/lib/xen/save/vm1"), 1, "Failed to save domain, resuming domain\n")!;
        Assert.Equal("/var/lib/xen/save/vm1", e.Path);
        Assert.Equal("vm1", e.Domain);
    }

    [Theory]
    [InlineData("xl pause vm1", "")]
    [InlineData("xl create /etc/xen/vm1.cfg", "Parsing config from /etc/xen/vm1.cfg\n")]
    [InlineData("xl create /etc/xen/vm1.cfg", "Parsing config from /etc/xen/vm1.cfg\nlibxl: warning: libxl_dm.c:100:f: Domain 3:some warning\n")]
    [InlineData("xl save vm1 /s", "Saving to /s new xl format (info 0x3/0x0/1021)\n")]
    public void Success_without_errors_returns_null(string commandLine, string stderr)
    {
        Assert.Null(XlErrorClassifier.Classify(Argv(commandLine), 0, stderr));
    }

    [Fact]
    public void Nonzero_exit_with_empty_stderr_is_unknown()
    {
        var e = XlErrorClassifier.Classify(Argv("xl create /etc/xen/vm1.cfg"), 3, "")!;
        Assert.Equal(XlErrorKind.Unknown, e.Kind);
        Assert.Equal("xl exited with code 3", e.Message);
    }

    [Theory]
    [InlineData("xl -v pause vm1")]
    [InlineData("/usr/sbin/xl pause vm1")]
    [InlineData("pause vm1")]
    public void Argv_may_have_xl_path_and_global_options(string commandLine)
    {
        var e = XlErrorClassifier.Classify(Argv(commandLine), 0, "libxl: error: libxl_domain.c:1:libxl_domain_pause: Domain 3:Pausing domain 3 failed\n")!;
        Assert.Equal("pause", e.Command);
        Assert.Equal("vm1", e.Domain);
        Assert.Equal(3, e.DomId);
    }

    [Fact]
    public void StdErr_lines_are_kept_verbatim()
    {
        string stderr = "Parsing config from /etc/xen/vm1.cfg\r\nfailed to free memory for the domain\r\n";
        var e = XlErrorClassifier.Classify(Argv("xl create /etc/xen/vm1.cfg"), 3, stderr)!;
        Assert.Equal(new[] { "Parsing config from /etc/xen/vm1.cfg", "failed to free memory for the domain" }, e.StdErrLines);
    }

    [Theory]
    [InlineData("libxl: error: libxl_create.c:1309:initiate_domain_create: Domain 7:cannot make domain: -6", "cannot make domain: -6")]
    [InlineData("libxl: error: libxl.c:102:libxl_ctx_alloc: cannot open libxc handle: Permission denied", "cannot open libxc handle: Permission denied")]
    [InlineData("shutdown failed (rc=-3)", "shutdown failed (rc=-3)")]
    public void StripLibxlPrefix_keeps_the_text(string line, string expected)
    {
        Assert.Equal(expected, XlErrorClassifier.StripLibxlPrefix(line));
    }

    [Theory]
    [InlineData(XlErrorKind.InvalidDomainIdentifier, "XenDomainNotFound", XenErrorCategory.ObjectNotFound)]
    [InlineData(XlErrorKind.DomainDoesNotExist, "XenDomainNotFound", XenErrorCategory.ObjectNotFound)]
    [InlineData(XlErrorKind.CannotGetDomId, "XenDomainNotFound", XenErrorCategory.ObjectNotFound)]
    [InlineData(XlErrorKind.OutOfMemory, "XlCommandFailed", XenErrorCategory.ResourceUnavailable)]
    [InlineData(XlErrorKind.NameExists, "XlCommandFailed", XenErrorCategory.ResourceExists)]
    [InlineData(XlErrorKind.ConfigParseError, "XlCommandFailed", XenErrorCategory.InvalidData)]
    [InlineData(XlErrorKind.OptionNotSupported, "XlCommandFailed", XenErrorCategory.InvalidArgument)]
    [InlineData(XlErrorKind.GuestDidNotAcknowledge, "XlCommandFailed", XenErrorCategory.OperationTimeout)]
    [InlineData(XlErrorKind.Unknown, "XlCommandFailed", XenErrorCategory.NotSpecified)]
    public void ToException_maps_kind_to_error_id_and_category(XlErrorKind kind, string errorId, XenErrorCategory category)
    {
        var ex = new XlError { Kind = kind, Message = "msg", Command = "create" }.ToException("h1");
        Assert.Equal(errorId, ex.ErrorId);
        Assert.Equal(category, ex.Category);
        Assert.Equal("h1", ex.Host);
        Assert.Equal("xl create failed on host 'h1': msg", ex.Message);
    }
}
