using System.Management.Automation;
using SmartDomains.Commands.Completers;
using SmartDomains.Planning;

namespace SmartDomains.Commands.Cmdlets;

/// <summary>Shows the exact xl.cfg each domain of a planned pool will get, from the one renderer.</summary>
[Cmdlet(VerbsCommon.Get, "XenDomainConfig")]
[OutputType(typeof(XenDomainConfig))]
public sealed class GetXenDomainConfigCommand : XenCmdlet
{
    [Parameter(Mandatory = true, ValueFromPipeline = true, Position = 0)]
    [ValidateNotNull]
    public XenPool? Pool { get; set; }

    [Parameter(Position = 1)]
    [SupportsWildcards]
    [ValidateNotNullOrEmpty]
    [ArgumentCompleter(typeof(DomainNameCompleter))]
    public string[]? Name { get; set; }

    protected override void ProcessRecord()
    {
        var patterns = Name?.Select(n => new WildcardPattern(n, WildcardOptions.IgnoreCase)).ToArray();
        foreach (var domain in Pool!.Domains)
        {
            if (patterns is not null && !patterns.Any(p => p.IsMatch(domain.Name))) continue;
            WriteObject(new XenDomainConfig(Pool.Name, domain.Name, domain.Host!, Pool.ConfigPath(domain), Pool.RenderConfig(domain)));
        }
    }
}
