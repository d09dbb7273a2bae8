using System.Net;
using System.Net.Sockets;
using System.Security.Cryptography.X509Certificates;

namespace SmartDomains.Portal.Server;

/// <summary>The names an HTTPS portal answers to: its address, this machine's name, and the DNS names of its certificate.</summary>
internal static class PublicNames
{
    /// <summary>The host of the Url: the address itself, or this machine's name when listening on every address.</summary>
    public static string UrlHost(IPAddress address)
    {
        if (address.Equals(IPAddress.Any) || address.Equals(IPAddress.IPv6Any)) return Dns.GetHostName();
        return address.AddressFamily == AddressFamily.InterNetworkV6 ? $"[{address}]" : address.ToString();
    }

    public static IReadOnlyList<string> Hosts(IPAddress address, int port, X509Certificate2 certificate)
    {
        var names = new List<string> { UrlHost(address), Dns.GetHostName() };
        if (IPAddress.IsLoopback(address) || address.Equals(IPAddress.Any) || address.Equals(IPAddress.IPv6Any))
            names.AddRange(new[] { "localhost", "127.0.0.1", "[::1]" });
        var commonName = certificate.GetNameInfo(X509NameType.DnsName, forIssuer: false);
        if (!string.IsNullOrEmpty(commonName)) names.Add(commonName);
        foreach (var extension in certificate.Extensions.OfType<X509SubjectAlternativeNameExtension>())
        {
            names.AddRange(extension.EnumerateDnsNames());
            names.AddRange(extension.EnumerateIPAddresses().Select(UrlHost));
        }
        // A wildcard name would match any host a rebinding attacker names inside it; only exact names count.
        return names.Where(n => !n.Contains('*')).Distinct(StringComparer.OrdinalIgnoreCase).Select(n => $"{n}:{port}").ToArray();
    }
}
