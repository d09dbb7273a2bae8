using System.Collections;

namespace SmartDomains.Commands.Completers;

/// <summary>Completes template names: the search path's, and those of any -Path already on the line.</summary>
public sealed class TemplateNameCompleter : XenArgumentCompleter
{
    protected override IReadOnlyDictionary<string, string> Candidates(IDictionary fakeBoundParameters)
    {
        var paths = CompletionWords.Values(fakeBoundParameters, "Path").Select(CompletionWords.LocalPath)
            .Where(p => File.Exists(p) || Directory.Exists(p));
        return TemplateSearchPath.Catalog(paths).Templates.GroupBy(t => t.Name)
            .ToDictionary(g => g.Key, g => Tip(g.First()));
    }

    private static string Tip(Portal.TemplateInfo template) =>
        string.Join(" < ", template.Chain) + (template.Description is null ? "" : ": " + template.Description);
}
