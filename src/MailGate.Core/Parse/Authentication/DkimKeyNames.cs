namespace MailGate.Core.Parse.Authentication;

/// <summary>The DNS names of DKIM keys: <c>{selector}._domainkey.{domain}</c> (RFC 6376 §3.6.2.1), lower case.</summary>
internal static class DkimKeyNames
{
    private const string DnsTxt = "dns/txt";

    private const string DomainKey = "._domainkey.";

    /// <summary>The name a signature's <c>q=</c>, <c>d=</c> and <c>s=</c> ask for.</summary>
    /// <exception cref="DkimKeyNotFoundException">No supported query method, or no domain or selector.</exception>
    public static string NameOf(string? methods, string domain, string selector)
    {
        // q= is optional; its default and only defined value is dns/txt (RFC 6376 §3.5).
        if (!string.IsNullOrWhiteSpace(methods)
            && !methods.Split(':', StringSplitOptions.TrimEntries).Any(m => m.Equals(DnsTxt, StringComparison.OrdinalIgnoreCase)))
        {
            throw new DkimKeyNotFoundException($"no supported key query method in q={methods}");
        }

        if (string.IsNullOrWhiteSpace(domain) || string.IsNullOrWhiteSpace(selector))
        {
            throw new DkimKeyNotFoundException("the signature names no domain or no selector");
        }

        return Format(domain, selector);
    }

    /// <summary>The name of <paramref name="selector"/>'s key at <paramref name="domain"/>, trimmed, without a trailing dot, lower case; nothing checked.</summary>
    public static string Format(string? domain, string? selector) =>
        $"{selector?.Trim()}._domainkey.{domain?.Trim().TrimEnd('.')}".ToLowerInvariant();

    /// <summary>The signing domain of a key name (what follows <c>._domainkey.</c>); the name itself when it has none.</summary>
    public static string DomainOf(string name)
    {
        var at = name.IndexOf(DomainKey, StringComparison.OrdinalIgnoreCase);
        return at < 0 ? name : name[(at + DomainKey.Length)..];
    }
}
