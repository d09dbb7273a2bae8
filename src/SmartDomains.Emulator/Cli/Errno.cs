namespace SmartDomains.Emulator.Cli;

/// <summary>strerror() texts for the file errors xl reports.</summary>
public static class Errno
{
    public static string Message(Exception e) => e switch
    {
        FileNotFoundException or DirectoryNotFoundException => "No such file or directory",
        UnauthorizedAccessException => "Permission denied",
        _ when e.Message.Contains("Is a directory") => "Is a directory",
        _ => "Input/output error",
    };
}
