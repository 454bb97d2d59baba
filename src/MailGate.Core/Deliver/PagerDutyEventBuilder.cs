using System.Globalization;
using MailGate.Parse;
using MailGate.Rules;

namespace MailGate.Deliver;

/// <summary>
/// Builds the PagerDuty trigger event for one rule match: a pure function of the message's facts and
/// the match. The result is bounded (summary ≤ 1024 chars, body excerpt ≤ 8 KiB, lists capped), so a
/// whole event stays far below the API's 512 KB limit whatever the email holds. The routing key is left
/// out: it is added when sending and never stored.
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

        var body = facts.Body.Trim();
        var supportCase = facts.Case;
        var source = supportCase is not null
            ? $"aws-support/{(facts.AccountId.Length > 0 ? facts.AccountId : "unknown-account")}"
            : facts.Sender.Length > 0 ? facts.Sender : "mailgate";
        return new PagerDutyEvent
        {
            EventAction = resolve ? "resolve" : "trigger",
            DedupKey = match.DedupKey,
            Payload = new PagerDutyPayload
            {
                Summary = Truncate(OneLine(match.Summary), PagerDutyLimits.SummaryLength),
                Source = Truncate(source, PagerDutyLimits.FieldLength),
                Severity = match.Severity,
                Timestamp = (facts.Date ?? facts.ReceivedAt).ToString("o", CultureInfo.InvariantCulture),
                Component = facts.Source == MessageSources.Mail ? "email" : facts.Source,
                Group = facts.ListId.Length > 0 ? Truncate(facts.ListId, PagerDutyLimits.FieldLength) : null,
                Class = match.Rule,
                CustomDetails = new PagerDutyDetails
                {
                    Sender = Truncate(facts.Sender, PagerDutyLimits.FieldLength),
                    From = Truncate(facts.From, PagerDutyLimits.FieldLength),
                    EnvelopeFrom = Truncate(facts.EnvelopeFrom, PagerDutyLimits.FieldLength),
                    Recipients = facts.Recipients.Take(PagerDutyLimits.Recipients)
                        .Select(r => Truncate(r, PagerDutyLimits.FieldLength)).ToArray(),
                    Subject = Truncate(OneLine(facts.Subject), PagerDutyLimits.FieldLength),
                    MessageId = Truncate(facts.MessageId, PagerDutyLimits.FieldLength),
                    ListId = Truncate(facts.ListId, PagerDutyLimits.FieldLength),
                    SpoolId = facts.SpoolId,
                    Account = Truncate(facts.Account, PagerDutyLimits.FieldLength),
                    AccountId = facts.AccountId,
                    AccountOwner = Truncate(facts.AccountOwner, PagerDutyLimits.FieldLength),
                    Authentication = supportCase is not null
                        ? "not applicable: read from the AWS Support API"
                        : Truncate(facts.Authentication.ToString(), PagerDutyLimits.FieldLength),
                    Trusted = match.Trusted,
                    Rule = match.Rule,
                    RulesVersion = rulesVersion,
                    Extracted = match.Extracted.Take(PagerDutyLimits.ExtractedValues).ToDictionary(
                        kv => Truncate(kv.Key, PagerDutyLimits.FieldLength),
                        kv => Truncate(kv.Value, PagerDutyLimits.FieldLength),
                        StringComparer.Ordinal),
                    ReceivedAt = facts.ReceivedAt.ToString("o", CultureInfo.InvariantCulture),
                    ReplyBy = match.ReplyBy?.By,
                    ReplyByBasis = match.ReplyBy is { } replyBy ? Truncate(replyBy.Basis, PagerDutyLimits.FieldLength) : null,
                    Body = Truncate(body, PagerDutyLimits.BodyExcerptLength),
                    BodyTruncated = body.Length > PagerDutyLimits.BodyExcerptLength,
                    SupportCase = supportCase is null ? null : CaseDetails(supportCase),
                },
            },
        };
    }

    private static PagerDutyCaseDetails CaseDetails(SupportCaseFacts supportCase) => new()
    {
        CaseId = Truncate(supportCase.CaseId, PagerDutyLimits.FieldLength),
        DisplayId = Truncate(supportCase.DisplayId, PagerDutyLimits.FieldLength),
        Category = Truncate(supportCase.Category, PagerDutyLimits.FieldLength),
        Service = Truncate(supportCase.Service, PagerDutyLimits.FieldLength),
        Severity = Truncate(supportCase.Severity, PagerDutyLimits.FieldLength),
        Status = Truncate(supportCase.Status, PagerDutyLimits.FieldLength),
        SubmittedBy = Truncate(supportCase.SubmittedBy, PagerDutyLimits.FieldLength),
        Language = Truncate(supportCase.Language, PagerDutyLimits.FieldLength),
        TimeCreated = Truncate(supportCase.TimeCreated, PagerDutyLimits.FieldLength),
        AccountEmail = Truncate(supportCase.AccountEmail, PagerDutyLimits.FieldLength),
        ConsoleUrl = Truncate(supportCase.ConsoleUrl, PagerDutyLimits.FieldLength),
    };

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

    /// <summary>A title is one line, whitespace-normalised as rules see text (<see cref="RuleText"/>): a TAB-folded subject reads as one.</summary>
    private static string OneLine(string text) => RuleText.Normalize(text);
}
