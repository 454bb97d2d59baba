using MailGate.Parse.Authentication;

namespace MailGate.Rules;

/// <summary>
/// <c>authenticated: { arc_sealed_by | dkim | original_dmarc | original_dkim: domain(s) }</c>: holds when
/// the named verification passed for one of the domains (or a subdomain of it).
/// </summary>
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

    public Truth Evaluate(RuleInput input) => Passing(input.Facts.Authentication).Any(InDomains) ? Truth.True : Truth.False;

    public Truth Explain(RuleInput input, ICollection<string> reasons)
    {
        ArgumentNullException.ThrowIfNull(input);
        ArgumentNullException.ThrowIfNull(reasons);
        var facts = input.Facts;
        var passing = Passing(facts.Authentication).ToArray();
        var held = passing.FirstOrDefault(InDomains);
        reasons.Add(held is not null
            ? $"authenticated: {Name} {held}"
            : $"not authenticated: {Name} {Wanted} (was {(passing.Length == 0 ? "none" : string.Join(", ", passing))}; {facts.Authentication})");
        return held is not null ? Truth.True : Truth.False;
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

    /// <summary>The domains for which this check passed.</summary>
    private IEnumerable<string> Passing(AuthenticationFacts auth) => check switch
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
            if (domain.Equals(wanted, StringComparison.OrdinalIgnoreCase)
                || (domain.Length > wanted.Length && domain.EndsWith(wanted, StringComparison.OrdinalIgnoreCase) && domain[domain.Length - wanted.Length - 1] == '.'))
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

    /// <summary>Google recorded <c>dmarc=pass</c> for the original author's domain, carried by a valid ARC chain.</summary>
    OriginalDmarc,

    /// <summary>Google recorded a passing DKIM signature by the domain on the original, carried by a valid ARC chain.</summary>
    OriginalDkim,
}
