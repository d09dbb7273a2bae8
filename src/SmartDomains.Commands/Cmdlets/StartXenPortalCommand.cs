using System.Diagnostics;
using System.Management.Automation;
using System.Net;
using System.Security.Cryptography.X509Certificates;
using SmartDomains.Commands.Session;
using SmartDomains.Portal;
using SmartDomains.Portal.Server;

namespace SmartDomains.Commands.Cmdlets;

/// <summary>Serves the portal page for a folder of pool files, on this session's connections, without blocking the prompt.</summary>
[Cmdlet(VerbsLifecycle.Start, "XenPortal")]
[OutputType(typeof(XenPortal))]
public sealed class StartXenPortalCommand : XenCmdlet
{
    [Parameter(Position = 0)]
    [ValidateNotNullOrEmpty]
    public string Path { get; set; } = ".";

    [Parameter]
    [ValidateRange(0, 65535)]
    public int Port { get; set; }

    [Parameter]
    [ValidateNotNull]
    public IPAddress ListenAddress { get; set; } = IPAddress.Loopback;

    [Parameter]
    [ValidateNotNull]
    public X509Certificate2? Certificate { get; set; }

    [Parameter]
    public SwitchParameter Open { get; set; }

    protected override void ProcessRecord()
    {
        var folder = GetUnresolvedProviderPathFromPSPath(Path);
        var options = new PortalOptions
        {
            Folder = folder,
            StaticDir = System.IO.Path.Combine(ModulePaths.ModuleDir, "Portal"),
            ShippedTemplatesDir = System.IO.Path.Combine(ModulePaths.ModuleDir, "Templates"),
            SiteTemplatePath = TemplateSearchPath.Current.Skip(1).ToArray(),
            ListenAddress = ListenAddress,
            Port = Port,
            Certificate = Certificate,
        };
        if (!Directory.Exists(folder))
        {
            WriteError(ToErrorRecord(new PortalStartException(XenErrorIds.PortalPathNotFound, $"The folder '{folder}' does not exist.", "Give -Path a folder of pool files (it may be empty)."), folder));
            return;
        }
        var session = new PortalSession(this, folder);
        XenPortal portal;
        try { portal = new XenPortal(PortalServer.Start(options, session), options, session); }
        catch (PortalStartException ex)
        {
            session.Dispose();
            WriteError(ToErrorRecord(ex, folder));
            return;
        }
        PortalRegistry.Add(portal);
        if (Open) OpenBrowser(portal.Url);
        WriteObject(portal);
    }

    private void OpenBrowser(Uri url)
    {
        try { Process.Start(new ProcessStartInfo(url.ToString()) { UseShellExecute = true })?.Dispose(); }
        catch (Exception ex) when (ex is System.ComponentModel.Win32Exception or InvalidOperationException)
        {
            WriteWarning($"No default browser could be started here ({ex.Message}); open the portal's Url yourself.");
        }
    }
}
