using System.Collections;
using SmartDomains.Images;

namespace SmartDomains.Commands.Completers;

/// <summary>
/// Completes the names of the complete images in the -Repository already on the line: a local folder, or a folder on the host
/// of -XenHost (-RepositoryHost for Restore-XenImage). Nothing is offered before -Repository is typed.
/// </summary>
public sealed class ImageNameCompleter : XenArgumentCompleter
{
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(1.5);

    protected override IReadOnlyDictionary<string, string> Candidates(IDictionary fakeBoundParameters)
    {
        var none = new Dictionary<string, string>();
        var repository = CompletionWords.Values(fakeBoundParameters, "Repository").FirstOrDefault();
        if (repository is null) return none;
        var hostParameter = fakeBoundParameters.Contains("RepositoryHost") ? "RepositoryHost" : "XenHost";
        ImageStore store;
        if (fakeBoundParameters.Contains(hostParameter))
        {
            var hosts = CompletionWords.Hosts(fakeBoundParameters, hostParameter);
            if (hosts.Count != 1) return none;
            store = ImageStore.OnHost(hosts[0], repository);
        }
        else
        {
            var path = CompletionWords.LocalPath(repository);
            if (!Directory.Exists(path)) return none;
            store = ImageStore.Local(path);
        }
        using var timeout = new CancellationTokenSource(Deadline);
        return store.ListAsync(timeout.Token).GetAwaiter().GetResult()
            .GroupBy(i => i.Name).ToDictionary(g => g.Key, g => $"{g.Key}: {g.First().Domain}, saved {g.First().Created:u}");
    }
}
