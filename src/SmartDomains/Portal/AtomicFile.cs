using System.Text;

namespace SmartDomains.Portal;

/// <summary>Writes a whole file or nothing: a reader sees the old content or the new one, never half of it.</summary>
public static class AtomicFile
{
    /// <summary>
    /// Writes <paramref name="text"/> (UTF-8, no BOM) to a temporary file beside <paramref name="path"/>, then moves it into
    /// place. Without <paramref name="overwrite"/> an existing file is left alone and an IOException says so, even when it
    /// appeared while the text was being written.
    /// </summary>
    public static void WriteText(string path, string text, bool overwrite)
    {
        var full = Path.GetFullPath(path);
        var temp = Path.Combine(Path.GetDirectoryName(full)!, $".{Path.GetFileName(full)}.{Environment.ProcessId}.{Guid.NewGuid():N}.tmp");
        try
        {
            using (var stream = new FileStream(temp, FileMode.CreateNew, FileAccess.Write))
            {
                stream.Write(new UTF8Encoding(false).GetBytes(text));
                stream.Flush(flushToDisk: true);
            }
            File.Move(temp, full, overwrite);
        }
        finally
        {
            if (File.Exists(temp)) File.Delete(temp);
        }
    }
}
