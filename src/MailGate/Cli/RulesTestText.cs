using MailGate.Core.Decide;
using MailGate.Core.Deliver;
using MailGate.Core.Facts;
using MailGate.Core.Parse;
using MailGate.Core.Parse.Authentication;
using MailGate.Core.Rules;
using System.Globalization;
using System.Text.Json;
using System.Text.Json.Serialization.Metadata;
using System.Text.Encodings.Web;
using MailGate.Deliver;
using MailGate.Parse;
using MailGate.Rules;

namespace MailGate.Cli;

/// <summary>The text output of <c>rules test</c>: the facts rules see, every rule's verdict and why, and the decision with its events.</summary>
internal static class RulesTestText
{
    private const int BodyPreview = 300;

    /// <summary>How much of any other fact is shown (a subject can be 190 KB long).</summary>
    private const int FactPreview = 1024;

    /// <summary>Shown fields the text has never listed for mail (they are in <c>--json</c>).</summary>
    private static readonly Field[] MailOmits = [Fields.AccountId, Fields.AccountIds, Fields.AccountName, Fields.AccountOwner, Fields.Source];

    /// <summary>Shown fields the text has never listed for a support case (they are in <c>--json</c>).</summary>
    private static readonly Field[] CaseOmits = [Fields.Sender, Fields.From, Fields.Date, Fields.AccountId, Fields.AccountIds, Fields.AccountName, Fields.AccountOwner, Fields.Authenticated];

    /// <summary>Indented JSON, non-ASCII text as is (the output is made safe by <see cref="SafeTextWriter"/>).</summary>
    public static JsonSerializerOptions Pretty { get; } =
        new(PagerDutyJsonContext.Default.Options) { WriteIndented = true, Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    /// <summary>Writes one decision; <paramref name="events"/> are its pages' events as shown (routing key masked).</summary>
    public static void Write(TextWriter output, FileInfo message, RuleSet rules, MessageDecision decision, IReadOnlyList<PagerDutyEvent> events, bool assumedRecipients)
    {
        var facts = decision.Facts;
        if (FactSources.Of(facts) == FactSources.SupportCase)
        {
            WriteCaseFacts(output, message, facts);
        }
        else if (FactSources.Of(facts) == FactSources.HealthEvent)
        {
            WriteHealthFacts(output, message, facts);
        }
        else
        {
            WriteMailFacts(output, message, facts, assumedRecipients);
        }

        output.WriteLine();
        output.WriteLine($"Rules {rules.Source} (version {rules.Version})");
        foreach (var trace in decision.Evaluation.Trace)
        {
            var mark = trace.Matched ? "MATCH" : trace.Failed ? "ERROR" : trace.Reason.StartsWith("not reached", StringComparison.Ordinal) ? "  -  " : " no  ";
            output.WriteLine($"  [{mark}] {trace.Rule}: {trace.Reason}");
        }

        output.WriteLine();
        if (ProbeRecognizer.FindToken(facts) is { } token)
        {
            output.WriteLine($"Coverage probe token {token}: a gateway with Coverage:ProbeKey on records a valid, new probe before the rules and never pages it; below, what the rules do if it is forged, expired or replayed");
        }

        WriteDecision(output, decision, events);
    }

    private static void WriteDecision(TextWriter output, MessageDecision decision, IReadOnlyList<PagerDutyEvent> events)
    {
        foreach (var untrusted in decision.Untrusted)
        {
            output.WriteLine(untrusted.DroppedByPolicy
                ? $"Rule '{untrusted.Rule}' matched, but the message is not trusted and the trust policy drops it (logged and counted, no page)"
                : $"Rule '{untrusted.Rule}' matched, but the message is not trusted and {untrusted.Limit} (logged and counted, no page)");
        }

        foreach (var error in decision.Evaluation.Errors)
        {
            output.WriteLine($"Rule '{error.Rule}' could not be evaluated ({error.Reason}): {error.Detail} (the gateway logs this at Error and counts it)");
        }

        if (decision.Action == DecisionAction.Error)
        {
            output.WriteLine("Decision: ERROR: nothing pages, but a page rule could not be evaluated; the gateway dead-letters the message (retry: mailgate spool retry)");
            return;
        }

        if (decision.Pages.Count == 0)
        {
            output.WriteLine(
                decision.Evaluation.DroppedBy is { } rule ? $"Decision: DROP by rule '{rule}'"
                : decision.Untrusted.Count > 0 ? "Decision: DROP (no page: the message is not trusted, see above)"
                : "Decision: DROP (no rule matched)");
            return;
        }

        foreach (var (page, sent) in decision.Pages.Zip(events))
        {
            var match = page.Match;
            output.WriteLine($"Decision: PAGE route '{match.Route}' by rule '{match.Rule}', severity {match.Severity}{(match.Trusted ? "" : ", UNVERIFIED sender")}, dedup key {match.DedupKey}");
            if (match.ReplyBy is { } replyBy)
            {
                output.WriteLine($"Reply by: {replyBy.By}  ({replyBy.Basis})");
            }

            output.WriteLine("PagerDuty event (routing key masked):");
            output.WriteLine(JsonSerializer.Serialize(sent, (JsonTypeInfo<PagerDutyEvent>)Pretty.GetTypeInfo(typeof(PagerDutyEvent))));
        }
    }

    private static void WriteCaseFacts(TextWriter output, FileInfo file, MessageFacts facts)
    {
        output.WriteLine($"Support case {Fields.CaseId.Read(facts)} from {file.FullName}");
        output.WriteLine();
        output.WriteLine("Facts (what rules see)");
        var accountNote = facts.AccountId.Length > 0 && facts.AccountName.Length == 0 ? "(from the case id; the poller adds the name from AWS Organizations)" : null;
        WriteFacts(output, facts, CaseOmits, [
            (Fields.Source, null), (Fields.CaseId, null), (Fields.DisplayId, null), (Fields.Subject, null), (Fields.Category, null), (Fields.Service, null),
            (Fields.Severity, null), (Fields.Status, null), (Fields.SubmittedBy, "(also the sender)"), (Fields.Language, null), (Fields.TimeCreated, null),
            (Fields.Account, accountNote),
        ]);
        Body(output, facts, " chars, the first communication)");
    }

    private static void WriteHealthFacts(TextWriter output, FileInfo file, MessageFacts facts)
    {
        output.WriteLine($"AWS Health event {Fields.EventArn.Read(facts)} from {file.FullName}");
        output.WriteLine();
        output.WriteLine("Facts (what rules see)");
        WriteFacts(output, facts, CaseOmits, [
            (Fields.Source, null), (Fields.EventTypeCode, null), (Fields.Subject, null), (Fields.Service, null), (Fields.Category, null),
            (Fields.Region, null), (Fields.Status, null), (Fields.StartTime, null), (Fields.LastUpdatedTime, null), (Fields.Account, null),
        ]);
        Body(output, facts, " chars, the description)");
    }

    private static void WriteMailFacts(TextWriter output, FileInfo message, MessageFacts facts, bool assumedRecipients)
    {
        output.WriteLine($"Message {message.FullName}");
        output.WriteLine();
        output.WriteLine("Facts (what rules see)");
        var notChecked = ReferenceEquals(facts.Authentication, AuthenticationFacts.NotChecked);
        WriteFacts(output, facts, MailOmits, [
            (Fields.Sender, facts.Sender != facts.From ? "(the author, behind the group's From: rewriting)" : null),
            (Fields.From, null),
            (Fields.EnvelopeFrom, facts.EnvelopeFrom.Length == 0 ? "(give --mail-from to set it)" : null),
            (Fields.Recipient, assumedRecipients ? "(assumed from To/Cc; give --rcpt with the gateway's address)" : null),
            (Fields.To, null), (Fields.Cc, null), (Fields.Subject, null), (Fields.ListId, null), (Fields.MessageId, null), (Fields.Date, null),
            (Fields.Account, facts.AccountOwner.Length > 0 ? $"(owner {facts.AccountOwner})" : null),
            (Fields.Authenticated, notChecked ? "(not checked: offline; --verify looks the keys up in DNS)" : null),
        ]);
        Body(output, facts, " chars)");
    }

    /// <summary>
    /// Writes <paramref name="laidOut"/> in order with their notes, then every other field <c>rules test</c>
    /// shows (<see cref="FieldUses.Shown"/>) that the facts' source gives, except <paramref name="omitted"/>
    /// and the body (written last): a field added to the registry shows up here without an edit.
    /// </summary>
    private static void WriteFacts(TextWriter output, MessageFacts facts, Field[] omitted, (Field Field, string? Note)[] laidOut)
    {
        foreach (var (field, note) in laidOut)
        {
            Fact(output, field.Name, FactsView.Text(field, facts), note);
        }

        var source = FactSources.Of(facts);
        foreach (var field in Fields.Shown(source).Where(f => f != Fields.Body && !omitted.Contains(f) && !laidOut.Any(l => l.Field == f)))
        {
            Fact(output, field.Name, FactsView.Text(field, facts));
        }
    }

    private static void Body(TextWriter output, MessageFacts facts, string note)
    {
        var text = Fields.Body.Read(facts);
        var body = text.ReplaceLineEndings(" ");
        Fact(output, Fields.Body.Name, body.Length > BodyPreview ? body[..BodyPreview] + "…" : body, "(" + text.Length.ToString(CultureInfo.InvariantCulture) + note);
    }

    private static void Fact(TextWriter output, string name, string value, string? note = null) =>
        output.WriteLine($"  {name,-14} {(value.Length == 0 ? "(none)" : UntrustedText.ForDisplay(value, FactPreview))}{(note is null ? "" : "  " + note)}");
}
