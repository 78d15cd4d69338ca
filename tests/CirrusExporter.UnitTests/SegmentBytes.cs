using System.Text;

namespace CirrusExporter.UnitTests;

/// <summary>
/// Bytes kept in segments, joined: a UTF-8 character may straddle two segments, so they are decoded together.
/// </summary>
internal static class SegmentBytes
{
    public static byte[] Joined(this IEnumerable<ReadOnlyMemory<byte>> segments)
        => [.. segments.SelectMany(s => s.ToArray())];

    public static string Utf8(this IEnumerable<ReadOnlyMemory<byte>> segments)
        => Encoding.UTF8.GetString(segments.Joined());
}
