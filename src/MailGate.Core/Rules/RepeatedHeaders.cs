
using MailGate.Core.Parse;

namespace MailGate.Core.Rules;

/// <summary>
/// A message that repeats a header field RFC 5322 §3.6 allows only once, and that no relay adds:
/// never trusted, whatever the rules file's <c>trust.trusted</c> says.
/// </summary>
/// <remarks>
/// A DKIM or ARC signature covers, of each header it names, the bottom-most instance (RFC 6376 §5.4.2);
/// a copy put above it is covered by nothing. Rules, logs and mail programs read the top one. So a
/// signed message with a second <c>From:</c> or <c>Subject:</c> written above the signed one verifies,
/// yet says what its forger wrote. Google Groups never add these fields (they rewrite From in place), so
/// genuine mail through them has one of each. Reply-To, Sender and the list headers are not listed: a
/// group may add its own beside the author's.
/// </remarks>
internal static class RepeatedHeaders
{
    /// <summary>The fields checked, as RFC 5322 names them.</summary>
    public static IReadOnlyList<string> Names { get; } = ["From", "To", "Cc", "Subject", "Date", "Message-ID"];

    /// <summary>Why <paramref name="facts"/> cannot be trusted for a repeated field (the first one, with its count), or null.</summary>
    public static string? Reason(MessageFacts facts)
    {
        ArgumentNullException.ThrowIfNull(facts);
        foreach (var name in Names)
        {
            if (facts.Headers.TryGetValue(name, out var values) && values.Count > 1)
            {
                return $"the message has {values.Count} {name} headers (RFC 5322 allows one; a signature covers only the bottom one, rules and readers see the top one)";
            }
        }

        return null;
    }
}
