using MailGate.Core.Parse;
using MailGate.Core.Rules;
using System.Globalization;

namespace MailGate.Core.Deliver;

/// <summary>
/// Builds the PagerDuty trigger event for one rule match: a pure function of the message's facts and
/// the match. The result is bounded (summary ≤ 1024 chars, body excerpt ≤ 8 KiB, lists capped), so a
/// whole event stays far below the API's 512 KB limit whatever the email holds. Every text the sender
/// wrote (and every other string of the event) is passed through <see cref="UntrustedText.Escape"/>:
/// control characters, bidirectional overrides and line separators become visible <c>\uXXXX</c>
/// escapes, so an incident's title or details cannot be reordered, hidden or split; the body keeps its
/// line breaks and tabs. The routing key is left out: it is added when sending and never stored.
/// </summary>
public static class PagerDutyEventBuilder
{
    private const string Ellipsis = "…";

    /// <summary>Builds the event for <paramref name="match"/> on <paramref name="facts"/>.</summary>
    /// <param name="facts">The message (or support case).</param>
    /// <param name="match">The rule match: summary, severity, dedup key.</param>
    /// <param name="rulesVersion">The rules file's version, for the details.</param>
    /// <param name="resolve">Build a <c>resolve</c> event for the incident the match opened (same dedup key).</param>
    public static PagerDutyEvent Build(MessageFacts facts, RuleMatch match, string rulesVersion, bool resolve = false)
    {
        ArgumentNullException.ThrowIfNull(facts);
        ArgumentNullException.ThrowIfNull(match);

        var supportCase = facts.Case;
        var account = facts.AccountId.Length > 0 ? facts.AccountId : "unknown-account";
        var source = supportCase is not null ? $"aws-support/{account}"
            : facts.Health is not null ? $"aws-health/{account}"
            : facts.Coverage is not null ? $"mailgate-coverage/{(facts.AccountId.Length > 0 ? facts.AccountId : "all")}"
            : facts.Sender.Length > 0 ? facts.Sender : "mailgate";
        return new PagerDutyEvent
        {
            EventAction = resolve ? "resolve" : "trigger",
            DedupKey = UntrustedText.NeedsEscape(match.DedupKey) ? DedupKeys.Templated(match.Rule, UntrustedText.Escape(match.DedupKey)) : match.DedupKey,
            Payload = new PagerDutyPayload
            {
                Summary = Text(OneLine(match.Summary), PagerDutyLimits.SummaryLength),
                Source = Text(source, PagerDutyLimits.FieldLength),
                Severity = match.Severity,
                Timestamp = (facts.Date ?? facts.ReceivedAt).ToString("o", CultureInfo.InvariantCulture),
                Component = facts.Source == MessageSources.Mail ? "email" : Text(facts.Source, PagerDutyLimits.FieldLength),
                Group = facts.ListId.Length > 0 ? Text(facts.ListId, PagerDutyLimits.FieldLength) : null,
                Class = Text(match.Rule, PagerDutyLimits.FieldLength),
                CustomDetails = new PagerDutyDetails
                {
                    Facts = PagerDutyFactDetails.Build(facts),
                    Trusted = match.Trusted,
                    Rule = Text(match.Rule, PagerDutyLimits.FieldLength),
                    RulesVersion = Text(rulesVersion, PagerDutyLimits.FieldLength),
                    Extracted = match.Extracted.Take(PagerDutyLimits.ExtractedValues).ToDictionary(
                        kv => Text(kv.Key, PagerDutyLimits.FieldLength),
                        kv => Text(kv.Value, PagerDutyLimits.FieldLength),
                        StringComparer.Ordinal),
                    ReplyBy = match.ReplyBy?.By,
                    ReplyByBasis = match.ReplyBy is { } replyBy ? Text(replyBy.Basis, PagerDutyLimits.FieldLength) : null,
                },
            },
        };
    }

    /// <summary>Cuts <paramref name="text"/> to at most <paramref name="max"/> chars, ending with an ellipsis when cut.</summary>
    public static string Truncate(string text, int max)
    {
        ArgumentNullException.ThrowIfNull(text);
        if (text.Length <= max)
        {
            return text;
        }

        var cut = max - Ellipsis.Length;
        // Never split a surrogate pair: PagerDuty would reject the invalid UTF-16 as invalid JSON text.
        if (cut > 0 && char.IsHighSurrogate(text[cut - 1]))
        {
            cut--;
        }

        return string.Concat(text.AsSpan(0, cut), Ellipsis);
    }

    /// <summary>
    /// <paramref name="text"/> as an incident may show it: unsafe characters escaped
    /// (<see cref="UntrustedText.Escape"/>), then cut to <paramref name="max"/> chars.
    /// </summary>
    internal static string Text(string text, int max) => Truncate(UntrustedText.Escape(Prefix(text, max)), max);

    /// <summary>
    /// The first <paramref name="max"/> + 1 chars of <paramref name="text"/>: all that can show after the
    /// cut (escaping only lengthens), and enough to tell that there was more; a 1,000,000-char body is not escaped whole.
    /// </summary>
    internal static string Prefix(string text, int max) => text.Length > max + 1 ? text[..(max + 1)] : text;

    /// <summary>A title is one line, whitespace-normalised as rules see text (<see cref="RuleText"/>): a TAB-folded subject reads as one.</summary>
    private static string OneLine(string text) => RuleText.Normalize(text);
}
