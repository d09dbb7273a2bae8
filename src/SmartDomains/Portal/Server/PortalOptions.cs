using System.Net;
using System.Security.Cryptography.X509Certificates;

namespace SmartDomains.Portal.Server;

/// <summary>What a portal serves and where it listens.</summary>
public sealed record PortalOptions
{
    /// <summary>The folder of pool files and template libraries the page edits (full path).</summary>
    public required string Folder { get; init; }
    /// <summary>The page's own files (the module's Portal folder).</summary>
    public required string StaticDir { get; init; }
    /// <summary>The module's shipped templates.</summary>
    public required string ShippedTemplatesDir { get; init; }
    /// <summary>Site template folders ($env:SMARTDOMAINS_TEMPLATE_PATH), after the shipped ones.</summary>
    public IReadOnlyList<string> SiteTemplatePath { get; init; } = Array.Empty<string>();
    /// <summary>The search path the module's loader uses: the shipped folder, then the site folders.</summary>
    public IReadOnlyList<string> TemplateSearchPath => new[] { ShippedTemplatesDir }.Concat(SiteTemplatePath).ToArray();
    public IPAddress ListenAddress { get; init; } = IPAddress.Loopback;
    /// <summary>0: the system picks a free port.</summary>
    public int Port { get; init; }
    /// <summary>With a certificate the portal speaks HTTPS (and may listen beyond loopback); without, HTTP on loopback only.</summary>
    public X509Certificate2? Certificate { get; init; }
}

/// <summary>Something that went wrong while the portal served: when, where (a request, a run, a connection), and in words.</summary>
public sealed record PortalError(DateTimeOffset Time, string Source, string Message)
{
    public override string ToString() => $"{Time:HH:mm:ss} {Source}: {Message}";
}
