namespace SmartDomains.Pools;

/// <summary>One problem in a pool description, located by file, line, column and JSON path.</summary>
public sealed record PoolError(string File, int Line, int Column, string JsonPath, string Message)
{
    public override string ToString() =>
        $"{File}:{Line}:{Column}: {(JsonPath.Length > 0 ? JsonPath + ": " : "")}{Message}";
}

/// <summary>A pool description that cannot be used. Holds every error found, not just the first.</summary>
public sealed class PoolFileInvalidException : XenHostException
{
    public const string Id = XenErrorIds.PoolFileInvalid;

    public IReadOnlyList<PoolError> Errors { get; }

    public PoolFileInvalidException(IReadOnlyList<PoolError> errors)
        : base(Id, XenErrorCategory.InvalidData, null, Describe(errors))
    {
        Errors = errors;
        RecommendedAction = "Fix the listed lines; Get-Help about_SmartDomains_PoolFiles documents every key.";
    }

    private static string Describe(IReadOnlyList<PoolError> errors) =>
        $"The pool description has {errors.Count} error{(errors.Count == 1 ? "" : "s")}:" +
        string.Concat(errors.Select(e => Environment.NewLine + "  " + e));
}
