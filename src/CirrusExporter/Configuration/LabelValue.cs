namespace CirrusExporter.Configuration;

/// <summary>The shape every module and status label value follows.</summary>
public static class LabelValue
{
    public static bool IsValidName(string value) =>
        value.Length is > 0 and <= 64 && value.All(ch => ch is (>= 'a' and <= 'z') or (>= '0' and <= '9') or '_');

    /// <summary>A tenant name: readable in a page and a dashboard variable, and a valid host name fits.</summary>
    public static bool IsValidTenant(string value) =>
        value.Length is > 0 and <= 128
        && value.All(ch => char.IsAsciiLetterOrDigit(ch) || ch is '.' or '-' or '_' or ':');
}
