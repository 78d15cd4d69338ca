using System.Globalization;
using System.Text;

namespace CirrusExporter.Api;

/// <summary>
/// Makes text that may carry upstream bytes (JSON keys and values, reason phrases, Location headers) safe
/// for one log line and the landing page: control, format and line-separator characters are written as
/// \n, \r, \t or \uXXXX, so a key holding "\n... ERR ..." or an ANSI sequence cannot forge a log line or
/// colour a terminal, and the text is cut so a multi-megabyte string cannot flood logs or the page.
/// Applying it twice changes nothing, so every layer may apply it.
/// </summary>
public static class UpstreamText
{
    /// <summary>Longest text kept, marker included; enough for an endpoint, a reason and a few keys.</summary>
    public const int MaxLength = 400;

    public static string Safe(string? text, int maxLength = MaxLength)
    {
        if (string.IsNullOrEmpty(text)) return "";
        var sb = new StringBuilder(Math.Min(text.Length, maxLength));
        foreach (var ch in text)
        {
            var escaped = ch switch
            {
                '\n' => @"\n",
                '\r' => @"\r",
                '\t' => @"\t",
                _ when NeedsEscape(ch) => @"\u" + ((int)ch).ToString("x4", CultureInfo.InvariantCulture),
                _ => null,
            };
            if (sb.Length + (escaped?.Length ?? 1) > maxLength)
            {
                var marker = $"…[cut, {text.Length} characters in all]";
                sb.Length = Math.Max(0, Math.Min(sb.Length, maxLength - marker.Length));
                return sb.Append(marker).ToString();
            }
            if (escaped is null) sb.Append(ch);
            else sb.Append(escaped);
        }
        return sb.ToString();
    }

    /// <summary>
    /// C0/C1 controls (ESC of ANSI sequences included), DEL, invisible format characters (bidi overrides) and line
    /// separators.
    /// </summary>
    private static bool NeedsEscape(char ch) =>
        char.IsControl(ch)
        || CharUnicodeInfo.GetUnicodeCategory(ch)
            is UnicodeCategory.Format or UnicodeCategory.LineSeparator or UnicodeCategory.ParagraphSeparator;
}
