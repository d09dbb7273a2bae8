using System.Management.Automation;
using SmartDomains.Commands.Completers;
using SmartDomains.Pools;
using SmartDomains.Portal;

namespace SmartDomains.Commands.Cmdlets;

/// <summary>
/// Lists the templates a pool can extend (shipped, then $env:SMARTDOMAINS_TEMPLATE_PATH, then any -Path), each with its
/// extends chain and every final value with the file and line it comes from.
/// </summary>
[Cmdlet(VerbsCommon.Get, "XenTemplate")]
[OutputType(typeof(TemplateInfo))]
public sealed class GetXenTemplateCommand : XenCmdlet
{
    private readonly List<string> _paths = new();
    private bool _pathGiven;

    [Parameter(Position = 0)]
    [SupportsWildcards]
    [ValidateNotNullOrEmpty]
    [ArgumentCompleter(typeof(TemplateNameCompleter))]
    public string[] Name { get; set; } = new[] { "*" };

    /// <summary>Pool files, template libraries or folders of them; a pool file's own templates are listed with it.</summary>
    [Parameter(ValueFromPipeline = true, ValueFromPipelineByPropertyName = true)]
    [Alias("FullName", "SourceFile")]
    [SupportsWildcards]
    [ValidateNotNullOrEmpty]
    public string[] Path { get; set; } = Array.Empty<string>();

    protected override void ProcessRecord()
    {
        foreach (var path in Path)
        {
            // A pool planned from -Definition pipes its SourceFile, which names no file: the search path is still listed.
            if (System.IO.Path.GetFileName(path) == PoolInput.DefinitionFileName && !File.Exists(path))
            {
                WriteVerbose($"{path}: a pool planned from -Definition has no file; only the search path's templates are listed.");
                continue;
            }
            _pathGiven = true;
            try { _paths.AddRange(GetResolvedProviderPathFromPSPath(path, out _)); }
            catch (ItemNotFoundException ex) { WriteError(new ErrorRecord(ex, "PathNotFound", ErrorCategory.ObjectNotFound, path)); }
        }
    }

    protected override void EndProcessing()
    {
        // Only missing paths were given: listing the search path alone would answer a question nobody asked.
        if (_pathGiven && _paths.Count == 0) return;
        var catalog = TemplateSearchPath.Catalog(_paths);
        // A broken file does not hide the others' templates: each file's mistakes are one error, as New-XenPool gives them.
        foreach (var file in catalog.Errors.GroupBy(e => e.File))
            WriteError(ToErrorRecord(new PoolFileInvalidException(file.ToArray()), file.Key));
        foreach (var pattern in Name)
        {
            var wildcard = WildcardPattern.Get(pattern, WildcardOptions.IgnoreCase);
            var matches = catalog.Templates.Where(t => wildcard.IsMatch(t.Name)).ToArray();
            if (matches.Length == 0 && !WildcardPattern.ContainsWildcardCharacters(pattern)) WriteError(NotFound(pattern, catalog));
            WriteObject(matches, enumerateCollection: true);
        }
    }

    private static ErrorRecord NotFound(string name, TemplateCatalogResult catalog)
    {
        var hint = PoolSchema.Suggest(name, catalog.Templates.Select(t => t.Name));
        var message = $"No template is named '{name}'" + (hint is null ? "." : $"; did you mean '{hint}'?");
        return new ErrorRecord(new ItemNotFoundException(message), XenErrorIds.TemplateNotFound, ErrorCategory.ObjectNotFound, name)
        {
            ErrorDetails = new ErrorDetails(message)
            {
                RecommendedAction = "Get-XenTemplate lists every template; add -Path for those of a pool file or a library, or set $env:SMARTDOMAINS_TEMPLATE_PATH.",
            },
        };
    }
}
