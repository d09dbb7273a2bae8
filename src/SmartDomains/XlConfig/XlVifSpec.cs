namespace SmartDomains.XlConfig;

/// <summary>One vif = [...] entry: comma separated key=value pairs (xl-network-configuration(5)).</summary>
public sealed record XlVifSpec(string? Mac, string Bridge, string? Ip, string? Script, string? VifName,
    string? Type, string? Model, string? Rate, int? Mtu)
{
    public static XlVifSpec Parse(string spec)
    {
        string? mac = null, ip = null, script = null, vifname = null, type = null, model = null, rate = null;
        string bridge = "xenbr0";
        int? mtu = null;
        foreach (var raw in spec.Split(','))
        {
            var token = raw.Trim();
            int eq = token.IndexOf('=');
            if (eq < 0) continue;
            string key = token[..eq], val = token[(eq + 1)..];
            switch (key)
            {
                case "mac": mac = val; break;
                case "bridge": bridge = val; break;
                case "ip": ip = val; break;
                case "script": script = val; break;
                case "vifname": vifname = val; break;
                case "type": type = val; break;
                case "model": model = val; break;
                case "rate": rate = val; break;
                case "mtu": mtu = int.TryParse(val, out var m) ? m : null; break;
            }
        }
        return new XlVifSpec(mac, bridge, ip, script, vifname, type, model, rate, mtu);
    }

    /// <summary>The addresses in ip= (xl allows several, separated by spaces).</summary>
    public IReadOnlyList<string> Addresses =>
        Ip is null ? Array.Empty<string>() : Ip.Split(' ', StringSplitOptions.RemoveEmptyEntries);
}
