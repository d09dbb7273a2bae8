namespace SmartDomains.Emulator;

public static class EmulatorProgram
{
    public static int RunProcess(string[] args) => 1;
}
