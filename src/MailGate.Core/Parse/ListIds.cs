namespace MailGate.Core.Parse;

/// <summary>Reads the identifier out of a <c>List-Id</c> header (RFC 2919).</summary>
public static class ListIds
{
    /// <summary><c>"AWS root 1" &lt;aws-root-1.example.com&gt;</c> → <c>aws-root-1.example.com</c>; a bare value is trimmed.</summary>
    public static string Identifier(string headerValue)
    {
        ArgumentNullException.ThrowIfNull(headerValue);
        var open = headerValue.LastIndexOf('<');
        var close = headerValue.LastIndexOf('>');
        return open >= 0 && close > open
            ? headerValue[(open + 1)..close].Trim()
            : headerValue.Trim();
    }
}
