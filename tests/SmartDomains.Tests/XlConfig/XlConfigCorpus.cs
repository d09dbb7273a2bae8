namespace SmartDomains.Tests.XlConfig;

/// <summary>Configs for the differential test: hand-written cases plus deterministic mutations of valid ones.</summary>
internal static class XlConfigCorpus
{
    public static readonly string[] Handwritten =
    {
        "",
        "\n",
        "name = \"vm1\"\n",
        "name = 'vm1'\nmemory = 512\nvcpus = 2\n",
        "name=\"a\";memory=256;vcpus=1;",
        "name=\"a\";memory=256\n",
        "name = \"vm1\"",                                   // no final newline
        "name = \"vm1\" # trailing comment\n",
        "# only a comment\n",
        "# comment at EOF without newline",
        "name = \"x\"\n# comment at EOF without newline",
        "name = \"x\"\n#",
        "name = \"x\"\n# ",
        "a = 1\r\nb = 2\r\n",                                // CRLF
        "disk = [ 'phy:/dev/vg/vm1,xvda,w', 'file:/img/x.raw,xvdb,r' ]\n",
        "disk = [ '/dev/vg/vm1,raw,xvda,rw', ]\n",          // trailing comma
        "vif = [ 'mac=00:16:3e:00:00:01,bridge=xenbr0,ip=10.0.0.2' ]\n",
        "l = []\n",
        "l = [ ]\n",
        "l = [\n]\n",
        "l = [\n  'a',\n  'b',\n]\n",
        "l = [ 'a'\n , 'b' ]\n",
        "l = [ [ 'a', 'b' ], [ 'c' ], [] ]\n",
        "l = [ [ [ '1' ] ] ]\n",
        "l = [ 'a', [ 'b', 2 ], 3 ]\n",
        "l = [,]\n",
        "l = [ 'a',, 'b' ]\n",
        "l = [ 'a' 'b' ]\n",
        "l = [ 'a'\n",
        "l = [ 'a',\n",
        "l = ]\n",
        "l = [ 1 ] ]\n",
        "a = \"x\"\na += \"y\"\n",
        "a += \"y\"\n",
        "a = [1]\na += [2, 3]\na += [4]\n",
        "a = \"x\"\na += [1]\n",
        "a = [1]\na += \"x\"\n",
        "a = 1\na += 2\n",
        "a = 1\na = 2\n",                                  // later wins
        "a = [1]\na = \"s\"\n",
        "memory = 0x200\n",
        "memory = 0X200\n",
        "memory = 0777\n",
        "memory = 08\n",
        "memory = 0x\n",
        "memory = 0xg\n",
        "memory = 1e5\n",
        "memory = 9abc\n",
        "memory = 9223372036854775807\n",
        "memory = 9223372036854775808\n",
        "memory = 99999999999999999999999\n",
        "memory = 0xffffffffffffffff\n",
        "memory = \"-12\"\n",
        "memory = \" 12\"\n",
        "memory = \"12 \"\n",
        "memory = \"\"\n",
        "memory = \"+0x1f\"\n",
        "memory = \"-9223372036854775808\"\n",
        "memory = \"-9223372036854775809\"\n",
        "memory = -12\n",
        "memory = +12\n",
        "memory = 1.5\n",
        "s = \"tab\\tnl\\nq\\\"bs\\\\\"\n",
        "s = 'single \\' quote'\n",
        "s = \"\\a\\b\\f\\r\\v\"\n",
        "s = \"\\x41\"\n",
        "s = \"\\x4\"\n",
        "s = \"\\101\"\n",
        "s = \"\\1\"\n",
        "s = \"\\19x\"\n",
        "s = \"\\1 5\"\n",
        "s = \"\\q\"\n",
        "s = \"unterminated\n",
        "s = 'unterminated\nb = 2\n",
        "s = \"a\"\"b\"\n",
        "s = \"\"\n",
        "s = ''\n",
        "s = \"Grüße\"\n",
        "Name = 1\n",
        "_x = 1\n",
        "x_1.y = 2\n",
        "1x = 2\n",
        "a.b.c = 3\n",
        "name \"vm1\"\n",
        "name == 1\n",
        "= 1\n",
        "a =\n",
        "a = \n\nb = 1\n",
        "a = 1 b = 2\n",
        "a = 1 2\n",
        "a = 1;; b = 2\n",
        ";\n;\n",
        "a = 1\n\n\n=\nb = 3\n",
        "a = 1\n$\nb = 2\n",
        "a = 1 $ b\nc = 2\n",
        "a = (1, 2)\n",
        "import os\n",
        "a = 1 + 2\n",
        "a = 'x':\n",
        "a = @\nb = @\n",
        "a = @\n\nb = @\n",
        "a = [1,\n@\n, 2]\n",
        "a = \"x\n\"\n",
        "\ta\t=\t1\t\n",
        "a = 1\n   \n\t\n",
        "a = 1 #c1\n#c2\n  # c3\nb = 2\n",
        "a = [ # comment inside a list\n 1, # more\n 2 ]\n",
        "a\n= 1\n",
        "a =\n1\n",
        "a = [\n\n\n1\n\n\n]\n",
        "a = 1\nb = [2\nc = 3\n",
        "x = [ 'a', ]\ny = [ 'b' ,\n]\n",
        "on_crash = \"preserve\"\non_poweroff = 'destroy'\n",
        "a+=1\n",
        "a + = 1\n",
        "a =+ 1\n",
        "a = 1 # no newline at end",
        "a = 'x' ; b = 'y' ; c = [ 1 ; 2 ]\n",
        "a = \"x\"\nb = \"\\\"\n",
        "\n\n\nerr = ]\n",
        "a = 1\r\n# crlf comment\r\nb = [1,\r\n2]\r\n",
        "\u00e9 = 1\n",
        "a = \u00e9\n",
        "a = 1\n\u0001\n",
        "a = 1\n!!!\n\n!!! two\n",
        "a=[1]\na+=[[2]]\na+=[]\n",
        "k = 'v'\nk += 'w'\nk += ''\n",
        "type = \"hvm\"\nmemory = 1024\nmaxmem = 2048\nvcpus = 4\nmaxvcpus = 8\n",
    };

    private static readonly string[] Bases =
    {
        "name = \"vm1\"\nmemory = 512\nvcpus = 2\nkernel = \"/boot/vmlinuz\"\n",
        "disk = [ 'phy:/dev/vg/vm1,xvda,w', '/img/b.qcow2,qcow2,xvdb,rw' ]\nvif = [ 'bridge=xenbr0,ip=10.0.0.2' ]\n",
        "a = [ [ 1, 2 ], [ 'x' ] ]\nb += [ 3 ]\nc = 0x10 ; d = 'q\\'s'\n",
    };

    private static readonly string[] Junk = { "$", "@", "A", "(", ":", "\r", "\t", "\n", "'", "\"", "[", "]", ",", "=", ";", "#", "+=", "-", "0x", "\\" };

    public static IEnumerable<string> Generated()
    {
        var rnd = new Random(4017);
        foreach (var b in Bases)
        {
            // Every prefix: unterminated strings, lists, statements, comments at EOF.
            for (int i = 1; i < b.Length; i += 3) yield return b[..i];
            // Junk inserted at random places.
            for (int k = 0; k < 25; k++)
            {
                int at = rnd.Next(b.Length + 1);
                yield return b[..at] + Junk[rnd.Next(Junk.Length)] + b[at..];
            }
            // A character deleted.
            for (int k = 0; k < 10; k++)
            {
                int at = rnd.Next(b.Length);
                yield return b.Remove(at, 1);
            }
            yield return b.Replace("\n", ";");
            yield return b.Replace("\n", "\r\n");
            yield return b.Replace(" = ", " ");
            yield return b + "# trailing comment";
        }
        foreach (var n in new[] { "0", "00", "0x0", "0x", "0xx", "08", "0779", "012", "12a", "1x2", "0x7fffffffffffffff",
                     "0x8000000000000000", "9223372036854775807", "9223372036854775808", "123456789012345678901234567890" })
            yield return $"n = {n}\nq = \"{n}\"\nl = [ {n}, \"{n}\" ]\n";
    }

    public static IEnumerable<object[]> All()
    {
        int i = 0;
        foreach (var c in Handwritten) yield return new object[] { $"h{i++:D3}", c };
        i = 0;
        foreach (var c in Generated()) yield return new object[] { $"g{i++:D3}", c };
    }
}
