using Xunit;

namespace SmartDomains.Tests.Emulator;

public class CliErrorTests
{
    [Fact]
    public void UnknownCommand() 
    {
        using var h = new EmulatorHost();
        Assert.Equal(new EmulatorHost.Result(1, "", "command not implemented\n"), h.Xl("frobnicate"));
    }

    [Fact]
    public void BadOptionExits2()
    {
        using var h = new EmulatorHost();
        var r = h.Xl("list", "-x");
        Assert.Equal((2, "option `x' not supported.\n"), (r.Code, r.Err));
    }

    [Fact]
    public void TooFewArgumentsExits2()
    {
        using var h = new EmulatorHost();
        var r = h.Xl("destroy");
        Assert.Equal((2, "'xl destroy' requires at least 1 argument.\n\n"), (r.Code, r.Err));
        r = h.Xl("save", "x");
        Assert.Equal((2, "'xl save' requires at least 2 arguments.\n\n"), (r.Code, r.Err));
    }

    [Fact]
    public void UnknownDomainName()
    {
        using var h = new EmulatorHost();
        var r = h.Xl("destroy", "ghost");
        Assert.Equal((1, "ghost is an invalid domain identifier (rc=-6)\n"), (r.Code, r.Err));
        r = h.Xl("list", "42");
        Assert.Equal((1, "Error: Domain '42' does not exist.\n"), (r.Code, r.Err));
    }

    [Fact]
    public void ShutdownNeedsDomainOrAll()
    {
        using var h = new EmulatorHost();
        var r = h.Xl("shutdown");
        Assert.Equal((1, "You must specify -a or a domain id.\n\n"), (r.Code, r.Err));
    }

    [Fact]
    public void PauseOfMissingNumericDomainStillExits0()
    {
        using var h = new EmulatorHost();
        Assert.Equal(0, h.Xl("pause", "9").Code);
    }
}
