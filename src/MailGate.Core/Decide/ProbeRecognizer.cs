using MailGate.Core.Coverage;
using MailGate.Core.Parse;
using MailGate.Core.Parse.Authentication;

namespace MailGate.Core.Decide;

/// <summary>
/// Recognises a coverage probe (issue #15) in received mail, before the rules: finds its token
/// (<see cref="ProbeToken.HeaderName"/> header, else the subject, else the body), verifies it with the probe key,
/// and judges it against the account's newest recorded arrival. Pure: the caller reads the key and the arrival
/// and writes the new arrival (<see cref="ProbeRecognition.Arrival"/>).
/// </summary>
/// <remarks>
/// Only a <see cref="ProbeResult.Valid"/> probe is kept from the rules (never paged, not counted as a decision).
/// A forged (bad MAC or malformed), expired or replayed token is ordinary mail: the rules decide it.
/// </remarks>
public static class ProbeRecognizer
{

    /// <summary>
    /// The token <paramref name="facts"/> carries: in the probe header, else the subject, else the body; null when none,
    /// and null for a delivery or disposition report (<c>multipart/report</c>, RFC 6522: a bounce of a probe quotes its
    /// token, and must never count as the probe's arrival: that would hide the very break coverage is for).
    /// </summary>
    /// <param name="facts">Mail as parsed (headers and subject decoded, body as text).</param>
    public static string? FindToken(MessageFacts facts)
    {
        ArgumentNullException.ThrowIfNull(facts);
        if (facts.Source != MessageSources.Mail || facts.IsReport)
        {
            return null;
        }

        var header = facts.Headers.TryGetValue(ProbeToken.HeaderName, out var values) ? values.Select(ProbeToken.Find).FirstOrDefault(t => t is not null) : null;
        return header ?? ProbeToken.Find(facts.Subject) ?? ProbeToken.Find(facts.Body);
    }

    /// <summary>Verifies the token of <paramref name="facts"/> as of its acceptance (<see cref="MessageFacts.ReceivedAt"/>).</summary>
    /// <param name="facts">Mail as parsed.</param>
    /// <param name="key">The probe key (<c>Coverage:ProbeKey</c>).</param>
    /// <param name="maxAge">How old a token may be when it arrives (<c>Coverage:Deadline</c> plus a margin).</param>
    /// <returns>The verdict, or null when the mail carries no token (it is not a probe at all).</returns>
    public static ProbeTokenCheck? Check(MessageFacts facts, ReadOnlySpan<byte> key, TimeSpan maxAge)
    {
        ArgumentNullException.ThrowIfNull(facts);
        return FindToken(facts) is { } token ? ProbeToken.Verify(key, token, facts.ReceivedAt, maxAge) : null;
    }

    /// <summary>Judges a checked token against the account's newest recorded arrival.</summary>
    /// <param name="facts">Mail as parsed (for the path it took).</param>
    /// <param name="check">What <see cref="Check"/> found.</param>
    /// <param name="previous">The account's <c>arrived-{account}</c> document, or null when none was recorded.</param>
    /// <returns>
    /// <see cref="ProbeResult.Valid"/> with the arrival to record; or forged (bad MAC, malformed), expired, or
    /// replayed (the same probe again, or an older one: a valid token whose send time is not after the recorded arrival's,
    /// unless that one lies more than <see cref="ProbeToken.FutureTolerance"/> in the future: the clock was set back since, and the
    /// newer probes, stamped by the corrected clock, must still count).
    /// </returns>
    public static ProbeRecognition Recognize(MessageFacts facts, ProbeTokenCheck check, ProbeArrival? previous)
    {
        ArgumentNullException.ThrowIfNull(facts);
        var result = check.Verdict switch
        {
            ProbeTokenVerdict.Valid when previous is not null && (previous.ProbeId == check.ProbeId || (check.SentAt <= previous.SentAt && previous.SentAt <= facts.ReceivedAt + ProbeToken.FutureTolerance)) => ProbeResult.Replayed,
            ProbeTokenVerdict.Valid => ProbeResult.Valid,
            ProbeTokenVerdict.Expired => ProbeResult.Expired,
            _ => ProbeResult.Forged,
        };
        return new ProbeRecognition(result, check, result == ProbeResult.Valid ? Arrival(facts, check) : null);
    }

    /// <summary>The arrival of a valid probe: when it was accepted, and the path it took.</summary>
    private static ProbeArrival Arrival(MessageFacts facts, ProbeTokenCheck check) => new()
    {
        AccountId = check.AccountId,
        ProbeId = check.ProbeId,
        SentAt = check.SentAt,
        ArrivedAt = facts.ReceivedAt,
        ListIds = facts.Headers.TryGetValue("List-Id", out var lists) ? [.. lists.Select(ListIds.Identifier).Where(l => l.Length > 0)] : [],
        Recipients = facts.Recipients,
        OriginalTo = facts.Headers.TryGetValue("X-Original-To", out var to) && to.Count > 0 ? to[0].Trim() : null,
        ArcVerified = facts.Authentication.Arc == AuthOutcome.Pass && string.Equals(facts.Authentication.ArcSealer, "google.com", StringComparison.OrdinalIgnoreCase),
    };
}

/// <summary>What a probe token made of a message.</summary>
public enum ProbeResult
{
    /// <summary>A genuine probe, new: recorded, never paged.</summary>
    Valid,

    /// <summary>Not made with this probe key (bad MAC), or not a well-formed token: ordinary mail.</summary>
    Forged,

    /// <summary>Made with this key, but too old (or from the future): ordinary mail.</summary>
    Expired,

    /// <summary>Made with this key and in time, but that probe (or a newer one) already arrived: ordinary mail.</summary>
    Replayed,
}

/// <summary>The verdict on a message carrying a probe token.</summary>
/// <param name="Result">The verdict.</param>
/// <param name="Check">The token's check: account, probe id, send time.</param>
/// <param name="Arrival">For <see cref="ProbeResult.Valid"/>: the <c>arrived-{account}</c> document to write; else null.</param>
public sealed record ProbeRecognition(ProbeResult Result, ProbeTokenCheck Check, ProbeArrival? Arrival)
{
    /// <summary>The <c>result</c> label of <c>mailgate_coverage_probes_received_total</c>: <c>valid</c>, <c>forged</c>, <c>expired</c>, <c>replayed</c>.</summary>
    public string Label => Result switch
    {
        ProbeResult.Valid => "valid",
        ProbeResult.Expired => "expired",
        ProbeResult.Replayed => "replayed",
        _ => "forged",
    };
}
