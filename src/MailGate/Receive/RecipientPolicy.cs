namespace MailGate.Receive;

/// <summary>
/// Which RCPT TO addresses the gateway accepts: exact addresses and whole domains, compared without
/// regard to case, and the postmaster (RFC 5321 §4.5.1): <c>postmaster@</c> the server name or any domain
/// the entries name. Everything else is refused, so the gateway can never relay.
/// </summary>
public sealed class RecipientPolicy
{
    private readonly HashSet<string> _addresses = new(StringComparer.OrdinalIgnoreCase);
    private readonly HashSet<string> _domains = new(StringComparer.OrdinalIgnoreCase);
    private readonly HashSet<string> _postmasterDomains = new(StringComparer.OrdinalIgnoreCase);

    /// <summary>Builds the policy from entries like <c>alerts@example.com</c> and <c>@example.com</c>.</summary>
    /// <param name="entries">Addresses and <c>@domain</c> entries.</param>
    /// <param name="serverName">
    /// The server's name: <c>RCPT TO:&lt;Postmaster&gt;</c> (no domain) reaches the policy as
    /// <c>Postmaster@</c><paramref name="serverName"/> (<see cref="CommandScreen"/>); null for none.
    /// </param>
    public RecipientPolicy(IEnumerable<string> entries, string? serverName = null)
    {
        ArgumentNullException.ThrowIfNull(entries);
        if (!string.IsNullOrWhiteSpace(serverName))
        {
            _postmasterDomains.Add(serverName.Trim());
        }

        foreach (var entry in entries.Select(e => e.Trim()))
        {
            if (entry.StartsWith('@'))
            {
                _domains.Add(entry[1..]);
            }
            else
            {
                _addresses.Add(entry);
            }

            _postmasterDomains.Add(entry[(entry.LastIndexOf('@') + 1)..]);
        }
    }

    /// <summary>Whether <paramref name="entry"/> is an address or an <c>@domain</c>.</summary>
    public static bool IsValidEntry(string entry)
    {
        if (string.IsNullOrWhiteSpace(entry))
        {
            return false;
        }

        var at = entry.Trim().IndexOf('@', StringComparison.Ordinal);
        var trimmed = entry.Trim();
        return at >= 0 && at == trimmed.LastIndexOf('@') && at < trimmed.Length - 1 && !trimmed.Any(char.IsWhiteSpace);
    }

    /// <summary>Whether mail to <paramref name="address"/> (<c>user@domain</c>) is accepted.</summary>
    public bool Accepts(string address)
    {
        ArgumentNullException.ThrowIfNull(address);
        if (_addresses.Contains(address))
        {
            return true;
        }

        var at = address.LastIndexOf('@');
        if (at <= 0)
        {
            return false;
        }

        var domain = address[(at + 1)..];
        return _domains.Contains(domain)
            || (_postmasterDomains.Contains(domain) && address.AsSpan(0, at).Equals("postmaster", StringComparison.OrdinalIgnoreCase));
    }
}
