using System.Buffers.Binary;
using System.Text;

namespace SmartDomains.Emulator.Output;

/// <summary>
/// xl's save file header (xl_saverestore.c): 32-byte magic, u32 byte-order marker 0x01020304, u32 mandatory
/// flags (bit 0 JSON config, bit 1 stream v2), u32 optional flags, u32 optional data length; the optional data is
/// u32 config length + config (NUL-terminated JSON). Host byte order (little-endian here), as xl writes it.
/// </summary>
public static class SaveFileFormat
{
    public static readonly byte[] Magic = Encoding.ASCII.GetBytes("Xen saved domain, xl format\n \0 \r");
    public const uint ByteOrder = 0x01020304;
    public const uint MandatoryJson = 1, MandatoryStreamV2 = 2;
    public const int HeaderSize = 32 + 16;
    public static readonly byte[] StreamMagic = Encoding.ASCII.GetBytes("LibxlFmt");

    public sealed record Header(uint Mandatory, uint Optional, uint OptionalLength);

    public static byte[] BuildHeader(string configJson, out Header header)
    {
        var config = Encoding.UTF8.GetBytes(configJson + "\0");
        header = new Header(MandatoryJson | MandatoryStreamV2, 0, (uint)(4 + config.Length));
        var buf = new byte[HeaderSize + 4 + config.Length];
        Magic.CopyTo(buf, 0);
        BinaryPrimitives.WriteUInt32LittleEndian(buf.AsSpan(32), ByteOrder);
        BinaryPrimitives.WriteUInt32LittleEndian(buf.AsSpan(36), header.Mandatory);
        BinaryPrimitives.WriteUInt32LittleEndian(buf.AsSpan(40), header.Optional);
        BinaryPrimitives.WriteUInt32LittleEndian(buf.AsSpan(44), header.OptionalLength);
        BinaryPrimitives.WriteUInt32LittleEndian(buf.AsSpan(48), (uint)config.Length);
        config.CopyTo(buf, 52);
        return buf;
    }

    /// <summary>The libxl stream stand-in: "LibxlFmt" then bytes that scale with memory, capped small.</summary>
    public static byte[] Payload(long memoryMiB)
    {
        int size = (int)Math.Min(256 * 1024, 4096 + memoryMiB * 64);
        var buf = new byte[size];
        StreamMagic.CopyTo(buf, 0);
        for (int i = StreamMagic.Length; i < size; i++) buf[i] = (byte)(i * 31 + 7);
        return buf;
    }
}
