namespace MailGate.Receive;

/// <summary>
/// Which RCPT TO addresses the gateway accepts: exact addresses and whole domains, compared without
/// regard to case. Everything else is refused, so the gateway can never relay.
/// </summary>
public sealed class RecipientPolicy
{
    private readonly HashSet<string> _addresses = new(StringComparer.OrdinalIgnoreCase);
    private readonly HashSet<string> _domains = new(StringComparer.OrdinalIgnoreCase);

    /// <summary>Builds the policy from entries like <c>alerts@example.com</c> and <c>@example.com</c>.</summary>
    public RecipientPolicy(IEnumerable<string> entries)
    {
        ArgumentNullException.ThrowIfNull(entries);
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
        return at > 0 && _domains.Contains(address[(at + 1)..]);
    }
}
