using SmartDomains.Portal;

namespace SmartDomains.Commands.Session;

/// <summary>The portals this process serves; removing the module stops them, so no port outlives it.</summary>
internal static class PortalRegistry
{
    private static readonly List<XenPortal> Portals = new();

    public static void Add(XenPortal portal) { lock (Portals) Portals.Add(portal); }

    public static IReadOnlyList<XenPortal> Running { get { lock (Portals) return Portals.Where(p => p.Running).ToArray(); } }

    public static void Remove(XenPortal portal) { lock (Portals) Portals.Remove(portal); }

    public static void StopAll()
    {
        foreach (var portal in Running) { portal.Stop(); Remove(portal); }
    }
}
