namespace MailGate.Core.Parse.Authentication;

/// <summary>
/// What the gateway could verify about where a message came from: the ARC chain (Google Groups seal
/// every message they deliver), the DKIM signatures, and — only when the ARC chain validates — the
/// verdict Google recorded on the original author when the mail entered Google.
/// </summary>
public sealed record AuthenticationFacts
{
    /// <summary>Nothing was checked (verification is off, or has not run).</summary>
    public static AuthenticationFacts NotChecked { get; } = new();

    /// <summary>The ARC chain: <see cref="AuthOutcome.None"/> when the message has no ARC headers.</summary>
    public AuthOutcome Arc { get; init; } = AuthOutcome.None;

    /// <summary>The <c>d=</c> domain of the newest ARC-Seal (highest <c>i=</c>), when the chain passes; else empty.</summary>
    public string ArcSealer { get; init; } = "";

    /// <summary>One result per DKIM-Signature header, in header order.</summary>
    public IReadOnlyList<DkimResult> Dkim { get; init; } = [];

    /// <summary>
    /// Google's verdict on the original author (from <c>X-Original-Authentication-Results</c>, or the
    /// <c>i=1</c> ARC-Authentication-Results), trusted only because the ARC chain that carries it passed;
    /// null otherwise.
    /// </summary>
    public OriginalAuthentication? Original { get; init; }

    /// <summary>
    /// The DNS names (<c>{selector}._domainkey.{domain}</c>) of keys that were not looked up because the
    /// locator answers only from its cache (<see cref="DnsDkimPublicKeyLocator.Offline"/>); the checks
    /// that needed them are <see cref="AuthOutcome.TempError"/>. Empty when every key was at hand.
    /// </summary>
    public IReadOnlyList<string> MissingKeys { get; init; } = [];

    /// <summary>
    /// The DNS names (<c>{selector}._domainkey.{domain}</c>, lower case) of the keys the checks found and
    /// used, whatever the verdict; empty when none. The processor pins those of trusted mail
    /// (<see cref="DnsDkimPublicKeyLocator.Pin"/>).
    /// </summary>
    public IReadOnlyList<string> KeysUsed { get; init; } = [];

    /// <summary>Whether any check failed for a temporary reason (DNS timeout, SERVFAIL, a key not looked up yet): worth trying again.</summary>
    public bool HasTemporaryError => Arc == AuthOutcome.TempError || Dkim.Any(d => d.Outcome == AuthOutcome.TempError);

    /// <summary>One line for logs and custom details, e.g. <c>arc=pass (google.com); dkim=pass (google.com), fail (amazon.com); original: dmarc=pass header.from=amazon.com</c>.</summary>
    public override string ToString()
    {
        var arc = Arc == AuthOutcome.Pass ? $"arc=pass ({ArcSealer})" : $"arc={Arc.ToString().ToLowerInvariant()}";
        var dkim = Dkim.Count == 0 ? "dkim=none" : "dkim=" + string.Join(", ", Dkim.Select(d => $"{d.Outcome.ToString().ToLowerInvariant()} ({d.Domain})"));
        var original = Original is null ? "" : $"; original: dmarc={Original.Dmarc} header.from={Original.HeaderFrom}";
        return $"{arc}; {dkim}{original}";
    }
}

/// <summary>The outcome of one check, in the words of RFC 8601.</summary>
public enum AuthOutcome
{
    /// <summary>Nothing to check (no signature, no chain).</summary>
    None,

    /// <summary>Verified.</summary>
    Pass,

    /// <summary>Checked and wrong: tampered, forged, or signed with a key that does not match.</summary>
    Fail,

    /// <summary>Could not check for now (DNS timeout or server failure): try again later.</summary>
    TempError,

    /// <summary>Can never be checked (malformed header, no such key, revoked key).</summary>
    PermError,
}

/// <summary>One DKIM-Signature's result.</summary>
/// <param name="Domain">The signing domain (<c>d=</c>).</param>
/// <param name="Selector">The key selector (<c>s=</c>).</param>
/// <param name="Outcome">The verdict.</param>
/// <param name="Detail">Why, when it did not pass.</param>
public sealed record DkimResult(string Domain, string Selector, AuthOutcome Outcome, string? Detail = null);

/// <summary>Google's recorded verdict on the original author (RFC 8601 results, parsed).</summary>
/// <param name="Dmarc">The <c>dmarc=</c> result (<c>pass</c>, <c>fail</c>, <c>none</c>, …; empty when absent).</param>
/// <param name="HeaderFrom">The <c>header.from=</c> domain the DMARC result is about.</param>
/// <param name="DkimPassDomains">The <c>header.i</c>/<c>header.d</c> domains of passing DKIM results.</param>
/// <param name="Spf">The <c>spf=</c> result.</param>
public sealed record OriginalAuthentication(string Dmarc, string HeaderFrom, IReadOnlyList<string> DkimPassDomains, string Spf)
{
    /// <summary>Which header the verdict was read from: <c>X-Original-Authentication-Results</c> or <c>ARC-Authentication-Results i=1</c>.</summary>
    public string Source { get; init; } = "";
}
