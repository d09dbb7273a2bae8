using System.Collections;
using System.Management.Automation;

namespace SmartDomains.Commands.Session;

/// <summary>
/// What -AsJob needs from the cmdlet that was called: the parameters given on the command line (seen at BeginProcessing),
/// and for each pipeline record what the pipeline bound, so the job's own run of the cmdlet binds the same input the same way.
/// </summary>
internal sealed class JobLauncher
{
    private readonly PSCmdlet _cmdlet;
    private readonly Dictionary<string, object?> _commandLine;
    private readonly List<object> _input = new();

    public JobLauncher(PSCmdlet cmdlet)
    {
        _cmdlet = cmdlet;
        _commandLine = cmdlet.MyInvocation.BoundParameters.Where(p => p.Key != "AsJob").ToDictionary(p => p.Key, p => p.Value);
    }

    /// <summary>Records one pipeline record: a value bound by value is piped as itself, values bound by property name as a record of them.</summary>
    public void Collect()
    {
        var bound = _cmdlet.MyInvocation.BoundParameters.Where(p => p.Key != "AsJob" && !_commandLine.ContainsKey(p.Key)).ToArray();
        if (bound.Length == 0) return;
        var metadata = _cmdlet.MyInvocation.MyCommand.Parameters;
        var byValue = bound.FirstOrDefault(p => metadata[p.Key].Attributes.OfType<ParameterAttribute>().Any(a => a.ValueFromPipeline));
        if (byValue.Key is not null) { _input.Add(byValue.Value); return; }
        var record = new PSObject();
        foreach (var (name, value) in bound) record.Properties.Add(new PSNoteProperty(name, value));
        _input.Add(record);
    }

    /// <summary>Starts the job, adds it to the session's job table (Get-Job, Wait-Job, Receive-Job) and returns it.</summary>
    public XenJob Start()
    {
        var parameters = new Hashtable(_commandLine.ToDictionary(p => p.Key, p => p.Value), StringComparer.OrdinalIgnoreCase);
        var hosts = XenCmdlet.Registry.All.Select(c => c.Name);
        var job = new XenJob(_cmdlet, _cmdlet.MyInvocation.MyCommand.Name, parameters, _input, string.Join(", ", hosts));
        _cmdlet.JobRepository.Add(job);
        job.Start();
        return job;
    }
}
