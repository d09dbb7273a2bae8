namespace SmartDomains.Emulator;

/// <summary>An exclusive lock between processes: .NET maps FileShare.None to flock(LOCK_EX) on Linux.</summary>
public static class LockFile
{
    public static FileStream Acquire(string path, int timeoutSeconds = 60)
    {
        var deadline = DateTime.UtcNow.AddSeconds(timeoutSeconds);
        while (true)
        {
            try { return new FileStream(path, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None); }
            catch (IOException) when (DateTime.UtcNow < deadline) { Thread.Sleep(Random.Shared.Next(2, 10)); }
        }
    }
}
