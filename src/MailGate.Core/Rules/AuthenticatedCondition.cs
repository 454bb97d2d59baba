
using MailGate.Core.Parse.Authentication;

namespace MailGate.Core.Rules;

/// <summary>
/// <c>authenticated: { arc_sealed_by | dkim | original_dmarc | original_dkim: domain(s) }</c>: holds when
/// the named verification passed for one of the domains (or a subdomain of it).
/// </summary>
/// <remarks>
/// <para>
/// The two checks of Google's verdict on the original author (<c>original_dmarc</c>, <c>original_dkim</c>)
/// also hold only for the author rules see: the <c>sender</c>'s domain must be the one DMARC passed for
/// (<c>header.from</c>, exactly, as DMARC itself compares it), or the domain, or a subdomain of it, of the
/// passing DKIM signature (DMARC's relaxed DKIM alignment). Behind a Google Group the sender comes from
/// <c>X-Original-From</c>, <c>X-Original-Sender</c> or <c>Reply-To</c>, which the group's ARC seal does not
/// cover (its <c>ARC-Message-Signature</c> signs From, To, Subject, the list headers, …, not those): anyone
/// holding a sealed copy can add one naming any author. What the seal does carry is the domain Google
/// checked, so a sender of another domain than the verified one is not authenticated, whatever it says.
/// </para>
/// <para>
/// <c>arc_sealed_by</c> and <c>dkim</c> are about the path (who sealed or signed the message as received)
/// and are not tied to the sender.
/// </para>
/// </remarks>
internal sealed class AuthenticatedCondition(AuthenticatedCheck check, IReadOnlyList<string> domains) : ICondition
{
    public const string Keys = "arc_sealed_by, dkim, original_dmarc, original_dkim";

    private readonly string[] _domains = [.. domains.Select(d => d.Trim().TrimStart('@').Trim('.'))];

    public static AuthenticatedCheck? Parse(string key) => key switch
    {
        "arc_sealed_by" => AuthenticatedCheck.ArcSealedBy,
        "dkim" => AuthenticatedCheck.Dkim,
        "original_dmarc" => AuthenticatedCheck.OriginalDmarc,
        "original_dkim" => AuthenticatedCheck.OriginalDkim,
        _ => null,
    };

    public Truth Evaluate(RuleInput input)
    {
        ArgumentNullException.ThrowIfNull(input);
        return Passing(input.Facts).Any(InDomains) ? Truth.True : Truth.False;
    }

    public Truth Explain(RuleInput input, ICollection<string> reasons)
    {
        ArgumentNullException.ThrowIfNull(input);
        ArgumentNullException.ThrowIfNull(reasons);
        var facts = input.Facts;
        var passing = Passing(facts).ToArray();
        var held = passing.FirstOrDefault(InDomains);
        if (held is not null)
        {
            reasons.Add($"authenticated: {Name} {held}");
            return Truth.True;
        }

        var unaligned = Verified(facts.Authentication).Where(d => !Aligned(facts.Sender, d)).Where(InDomains).ToArray();
        reasons.Add(unaligned.Length > 0
            ? $"not authenticated: {Name} {Wanted}: Google verified {string.Join(", ", unaligned)}, but the sender '{facts.Sender}' is of another domain "
                + $"(the author headers behind a group are not sealed; only the domain Google checked is proven; {facts.Authentication})"
            : $"not authenticated: {Name} {Wanted} (was {(passing.Length == 0 ? "none" : string.Join(", ", passing))}; {facts.Authentication})");
        return Truth.False;
    }

    public string Describe() => $"authenticated {Name} {Wanted}";

    private string Name => check switch
    {
        AuthenticatedCheck.ArcSealedBy => "arc_sealed_by",
        AuthenticatedCheck.Dkim => "dkim",
        AuthenticatedCheck.OriginalDmarc => "original_dmarc",
        _ => "original_dkim",
    };

    private string Wanted => _domains.Length == 1 ? $"'{_domains[0]}'" : "any of " + string.Join(", ", _domains.Select(d => $"'{d}'"));

    /// <summary>The domains for which this check passed, for the sender of <paramref name="facts"/>.</summary>
    private IEnumerable<string> Passing(MailGate.Core.Parse.MessageFacts facts) => check switch
    {
        AuthenticatedCheck.OriginalDmarc or AuthenticatedCheck.OriginalDkim => Verified(facts.Authentication).Where(d => Aligned(facts.Sender, d)),
        _ => Verified(facts.Authentication),
    };

    /// <summary>Whether <paramref name="sender"/>'s domain is <paramref name="domain"/> (DMARC: exactly; DKIM: or a subdomain of it).</summary>
    private bool Aligned(string sender, string domain)
    {
        var at = sender.LastIndexOf('@');
        if (at < 0)
        {
            return false;
        }

        var senderDomain = sender.AsSpan(at + 1).TrimEnd('.');
        return senderDomain.Equals(domain, StringComparison.OrdinalIgnoreCase)
            || (check == AuthenticatedCheck.OriginalDkim && IsSubdomain(senderDomain, domain));
    }

    /// <summary>Whether <paramref name="domain"/> is a proper subdomain of <paramref name="parent"/>.</summary>
    private static bool IsSubdomain(ReadOnlySpan<char> domain, string parent) =>
        domain.Length > parent.Length && domain.EndsWith(parent, StringComparison.OrdinalIgnoreCase) && domain[domain.Length - parent.Length - 1] == '.';

    /// <summary>The domains for which the verification passed, whoever the sender is.</summary>
    private IEnumerable<string> Verified(AuthenticationFacts auth) => check switch
    {
        AuthenticatedCheck.ArcSealedBy => auth.Arc == AuthOutcome.Pass && auth.ArcSealer.Length > 0 ? [auth.ArcSealer] : [],
        AuthenticatedCheck.Dkim => auth.Dkim.Where(d => d.Outcome == AuthOutcome.Pass).Select(d => d.Domain),
        AuthenticatedCheck.OriginalDmarc => auth.Original is { } original && original.Dmarc.Equals("pass", StringComparison.OrdinalIgnoreCase) && original.HeaderFrom.Length > 0
            ? [original.HeaderFrom]
            : [],
        _ => auth.Original?.DkimPassDomains ?? [],
    };

    private bool InDomains(string domain)
    {
        foreach (var wanted in _domains)
        {
            if (domain.Equals(wanted, StringComparison.OrdinalIgnoreCase) || IsSubdomain(domain, wanted))
            {
                return true;
            }
        }

        return false;
    }
}

/// <summary>Which verification an <see cref="AuthenticatedCondition"/> tests.</summary>
internal enum AuthenticatedCheck
{
    /// <summary>The ARC chain passed and its newest seal is by the domain (Google Groups: google.com).</summary>
    ArcSealedBy,

    /// <summary>A DKIM signature by the domain verified (rare through Google Groups: the footer breaks it).</summary>
    Dkim,

    /// <summary>Google recorded <c>dmarc=pass</c> for the original author's domain, carried by a valid ARC chain; the sender is of that domain.</summary>
    OriginalDmarc,

    /// <summary>Google recorded a passing DKIM signature by the domain on the original, carried by a valid ARC chain; the sender is of that domain or a subdomain.</summary>
    OriginalDkim,
}
