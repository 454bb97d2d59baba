using MailGate.Core.Parse;
using System.Security.Cryptography;
using System.Text;

namespace MailGate.Core.Rules;

/// <summary>PagerDuty dedup keys: the default one, and the bound on templated ones.</summary>
internal static class DedupKeys
{
    /// <summary>PagerDuty's limit on a dedup key's length.</summary>
    public const int MaxLength = 255;

    /// <summary>
    /// <c>mailgate-{rule}-{h}</c>, h from the rule name and the Message-ID (the content hash when there
    /// is none): the same email delivered twice gives the same key. For a support case,
    /// <c>mailgate-{rule}-{case id}</c>: however many polls (or replicas) see the case, one incident. For a
    /// Health event, h comes from the event ARN and the account (<c>HealthEvent.Identity</c>): polled or pushed, one incident per event and account.
    /// </summary>
    public static string Default(string rule, MessageFacts facts)
    {
        if (facts.Case is { } supportCase)
        {
            return Templated(rule, $"mailgate-{rule}-{supportCase.CaseId}");
        }

        return Keyed(rule, Hash(rule + "\n" + Identity(facts)));
    }

    /// <summary>
    /// What identifies one email (the <c>{message_key}</c> placeholder, never empty): its Message-ID, else
    /// <c>content:</c> and the content hash; for a support case, <c>case:</c> and the case id; for a coverage alert, its dedup
    /// key and when it was raised (each new miss after a resolve is a new trigger in the ledger).
    /// </summary>
    public static string Identity(MessageFacts facts) =>
        facts.Case is { } supportCase ? "case:" + supportCase.CaseId
        : facts.Health is { } health ? health.Identity
        : facts.Coverage is { } alert ? CoverageAlertReader.Identity(alert)
        : facts.MessageId.Length > 0 ? facts.MessageId
        : "content:" + facts.ContentHash;

    /// <summary>
    /// The email's key in the delivery ledger (one trigger per email): 32 hex digits hashed from the rule and
    /// <see cref="Identity"/> (the Message-ID, else the content hash; the case for a support case), with
    /// <c>unverified-</c> in front for mail that travels unverified, so that a forged copy never pre-empts the
    /// genuine email's page. Not the dedup key: emails that share a templated dedup key each have their own.
    /// </summary>
    public static string Ledger(string rule, MessageFacts facts, bool unverified) =>
        (unverified ? UntrustedPrefix : "") + Hash("ledger\n" + rule + "\n" + Identity(facts));

    /// <summary>
    /// The key of a match on a message that is not trusted: <c>unverified-</c> and the key, so that an
    /// unverified message never joins (or pre-empts) the incident of a verified one with the same
    /// templated key, e.g. a forged follow-up quoting a real abuse report's id.
    /// </summary>
    public static string Untrusted(string rule, string key) => Templated(rule, UntrustedPrefix + key);

    /// <summary>What <see cref="Untrusted"/> puts in front of the key.</summary>
    public const string UntrustedPrefix = "unverified-";

    /// <summary>Keeps a templated key as is when it fits; otherwise replaces it by a hash of itself.</summary>
    public static string Templated(string rule, string key) =>
        key.Length <= MaxLength ? key : Keyed(rule, Hash(key));

    /// <summary>The first 32 lowercase hex digits of the SHA-256 of <paramref name="text"/>'s UTF-8.</summary>
    public static string Hash(string text) =>
        Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(text)))[..32];

    /// <summary>
    /// <c>mailgate-{rule}-{hash}</c> within <see cref="MaxLength"/>: a long rule name is cut, never the
    /// hash (cutting the hash gave every email of a rule named with 246 characters or more one key, so
    /// all but the first were folded into the first one's incident). A surrogate pair is never split.
    /// </summary>
    private static string Keyed(string rule, string hash)
    {
        var prefix = $"mailgate-{rule}-";
        var room = MaxLength - hash.Length;
        if (prefix.Length > room)
        {
            prefix = prefix[..(char.IsHighSurrogate(prefix[room - 1]) ? room - 1 : room)];
        }

        return prefix + hash;
    }
}
