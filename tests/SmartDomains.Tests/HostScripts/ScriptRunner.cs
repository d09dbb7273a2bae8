using Xunit;
using System.Diagnostics;
using SmartDomains.HostScripts;

namespace SmartDomains.Tests.HostScripts;

/// <summary>Runs a host script the way RemoteCommand sends it (SHELL -c TEXT NAME VALUES...), under a given shell, in a temp dir.</summary>
public sealed class ScriptRunner : IDisposable
{
    /// <summary>Values that break a script that quotes badly: a space, a leading '-', command substitution, a newline, glob and ';'.</summary>
    public static readonly string[] Hostile = { "with space", "-rf", "$(touch PWNED)", "new\nline", "*;`touch PWNED`" };

    public static TheoryData<string, string> ShellsAndHostile()
    {
        var data = new TheoryData<string, string>();
        foreach (var shell in new[] { "dash", "bash" })
            foreach (var h in Hostile) data.Add(shell, h);
        return data;
    }

    public ScriptRunner() => Root = Directory.CreateTempSubdirectory("sd-contract-").FullName;

    public string Root { get; }

    /// <summary>A directory named <paramref name="hostile"/> under the root, made.</summary>
    public string Dir(string hostile, string sub = "")
    {
        var d = Path.Combine(Root, hostile, sub);
        Directory.CreateDirectory(d);
        return d.TrimEnd('/');
    }

    /// <summary>What a script did; <see cref="Bytes"/> is stdout as bytes (an archive), <see cref="Out"/> the same as text.</summary>
    public sealed record Result(int Exit, string Out, string Err, byte[] Bytes);

    public Result Run(string shell, HostScript script, string[] values, string? stdin = null, string? path = null)
    {
        var psi = new ProcessStartInfo(shell)
        {
            RedirectStandardOutput = true, RedirectStandardError = true, RedirectStandardInput = true, UseShellExecute = false,
            WorkingDirectory = Root,
        };
        psi.ArgumentList.Add("-c");
        psi.ArgumentList.Add(script.Text);
        psi.ArgumentList.Add(script.Name);
        foreach (var v in values) psi.ArgumentList.Add(v);
        if (path is not null) psi.Environment["PATH"] = path;
        using var p = Process.Start(psi)!;
        var err = p.StandardError.ReadToEndAsync();
        var stdout = new MemoryStream();
        var output = p.StandardOutput.BaseStream.CopyToAsync(stdout);
        try
        {
            if (stdin is not null) p.StandardInput.Write(stdin);
            p.StandardInput.Close();
        }
        catch (IOException) { /* the script refused before reading its input */ }
        if (!p.WaitForExit(60_000)) { p.Kill(true); throw new TimeoutException($"{script.Name} under {shell} did not finish"); }
        output.Wait();
        var result = new Result(p.ExitCode, System.Text.Encoding.UTF8.GetString(stdout.ToArray()), err.Result, stdout.ToArray());
        AssertNothingInjected();
        return result;
    }

    /// <summary>Asserts the exit code is the declared one, and a failure's stderr carries the declared marker.</summary>
    public static void AssertExit(HostScript script, HostScriptExit expected, Result r)
    {
        Assert.True(script.ExitCodes.ContainsKey(expected), $"{script.Name} does not declare exit {(int)expected} {expected}");
        Assert.True((int)expected == r.Exit, $"{script.Name}: exit {r.Exit}, expected {(int)expected} {expected}; stderr: {r.Err}");
        if (script.Markers.TryGetValue(expected, out var marker))
            Assert.Contains(HostScriptMarkers.Prefix, r.Err);
        if (marker is not null) Assert.Contains(marker, r.Err);
    }

    private void AssertNothingInjected() =>
        Assert.Empty(Directory.EnumerateFiles(Root, "PWNED", SearchOption.AllDirectories));

    public void Dispose()
    {
        try { Directory.Delete(Root, true); } catch (IOException) { } catch (UnauthorizedAccessException) { }
    }
}
