using Newtonsoft.Json;
using Newtonsoft.Json.Linq;

namespace SmartDomains.Pools;

/// <summary>Collects every error in a pool description, each pointing at the token that caused it.</summary>
public sealed class PoolDiagnostics
{
    private readonly List<PoolError> _errors = new();

    public IReadOnlyList<PoolError> Errors => _errors;
    public bool HasErrors => _errors.Count > 0;

    /// <summary>The errors in reading order: by file, line and column.</summary>
    public IReadOnlyList<PoolError> Sorted => _errors.OrderBy(e => e.File).ThenBy(e => e.Line).ThenBy(e => e.Column).ToArray();

    public void Add(string file, JToken? token, string message)
    {
        var info = token as IJsonLineInfo;
        var line = info?.HasLineInfo() == true ? info.LineNumber : 0;
        var column = info?.HasLineInfo() == true ? info.LinePosition : 0;
        // A property's own line info points past its value; the name is where a reader looks.
        if (token is JProperty prop && prop.Value is IJsonLineInfo v && v.HasLineInfo() && line == 0)
            (line, column) = (v.LineNumber, v.LinePosition);
        Add(new PoolError(file, Math.Max(1, line), Math.Max(1, column), token?.Path ?? "", message));
    }

    public void Add(PoolError error)
    {
        if (!_errors.Contains(error)) _errors.Add(error);
    }

    public void ThrowIfAny()
    {
        if (HasErrors) throw new PoolFileInvalidException(Sorted);
    }
}
