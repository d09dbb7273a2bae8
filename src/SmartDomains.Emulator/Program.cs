namespace SmartDomains.Emulator;

internal static class Program
{
    private static int Main(string[] args) => EmulatorProgram.RunProcess(args);
}
