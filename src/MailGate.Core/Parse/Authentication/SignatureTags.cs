namespace MailGate.Core.Parse.Authentication;

/// <summary>Reads <c>tag=value</c> lists (DKIM-Signature, ARC-Seal) leniently, for naming a result even when the header is malformed.</summary>
internal static class SignatureTags
{
    /// <summary>The value of <paramref name="tag"/> with folding whitespace removed; empty when absent.</summary>
    public static string Get(string headerValue, string tag)
    {
        foreach (var part in headerValue.Split(';'))
        {
            var eq = part.IndexOf('=', StringComparison.Ordinal);
            if (eq > 0 && part.AsSpan(0, eq).Trim().Equals(tag, StringComparison.OrdinalIgnoreCase))
            {
                return string.Concat(part[(eq + 1)..].Where(c => !char.IsWhiteSpace(c)));
            }
        }

        return "";
    }
}
