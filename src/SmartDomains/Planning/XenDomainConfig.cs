namespace SmartDomains.Planning;

/// <summary>The exact xl.cfg one domain of a planned pool gets, and where it goes on its host.</summary>
public sealed record XenDomainConfig(string Pool, string Name, string Host, string Path, string Text)
{
    public override string ToString() => Text;
}
