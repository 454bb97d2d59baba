using System.Globalization;
using System.Text.Json;
using System.Text.Encodings.Web;
using MailGate.Decide;
using MailGate.Deliver;
using MailGate.Parse;
using MailGate.Parse.Authentication;
using MailGate.Rules;

namespace MailGate.Cli;

/// <summary>The text output of <c>rules test</c>: the facts rules see, every rule's verdict and why, and the decision with its events.</summary>
internal static class RulesTestText
{
    private const int BodyPreview = 300;

    /// <summary>How much of any other fact is shown (a subject can be 190 KB long).</summary>
    private const int FactPreview = 1024;

    /// <summary>Indented JSON, non-ASCII text as is (the output is made safe by <see cref="SafeTextWriter"/>).</summary>
    public static JsonSerializerOptions Pretty { get; } =
        new(PagerDutyJsonContext.Default.Options) { WriteIndented = true, Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    /// <summary>Writes one decision; <paramref name="events"/> are its pages' events as shown (routing key masked).</summary>
    public static void Write(TextWriter output, FileInfo message, RuleSet rules, MessageDecision decision, IReadOnlyList<PagerDutyEvent> events, bool assumedRecipients)
    {
        var facts = decision.Facts;
        if (facts.Case is { } supportCase)
        {
            WriteCaseFacts(output, message, facts, supportCase);
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
            output.WriteLine(JsonSerializer.Serialize(sent, Pretty));
        }
    }

    private static void WriteCaseFacts(TextWriter output, FileInfo file, MessageFacts facts, SupportCaseFacts supportCase)
    {
        output.WriteLine($"Support case {supportCase.CaseId} from {file.FullName}");
        output.WriteLine();
        output.WriteLine("Facts (what rules see)");
        Fact(output, "source", facts.Source);
        Fact(output, "case_id", supportCase.CaseId);
        Fact(output, "display_id", supportCase.DisplayId);
        Fact(output, "subject", facts.Subject);
        Fact(output, "category", supportCase.Category);
        Fact(output, "service", supportCase.Service);
        Fact(output, "severity", supportCase.Severity);
        Fact(output, "status", supportCase.Status);
        Fact(output, "submitted_by", supportCase.SubmittedBy, "(also the sender)");
        Fact(output, "language", supportCase.Language);
        Fact(output, "time_created", supportCase.TimeCreated);
        Fact(output, "account", facts.Account, facts.AccountId.Length > 0 && facts.AccountName.Length == 0 ? "(from the case id; the poller adds the name from AWS Organizations)" : null);
        var body = facts.Body.ReplaceLineEndings(" ");
        Fact(output, "body", body.Length > BodyPreview ? body[..BodyPreview] + "…" : body, $"({facts.Body.Length} chars, the first communication)");
    }

    private static void WriteMailFacts(TextWriter output, FileInfo message, MessageFacts facts, bool assumedRecipients)
    {
        output.WriteLine($"Message {message.FullName}");
        output.WriteLine();
        output.WriteLine("Facts (what rules see)");
        Fact(output, "sender", facts.Sender, facts.Sender != facts.From ? "(the author, behind the group's From: rewriting)" : null);
        Fact(output, "from", facts.From);
        Fact(output, "envelope_from", facts.EnvelopeFrom, facts.EnvelopeFrom.Length == 0 ? "(give --mail-from to set it)" : null);
        Fact(output, "recipient", string.Join(", ", facts.Recipients), assumedRecipients ? "(assumed from To/Cc; give --rcpt with the gateway's address)" : null);
        Fact(output, "to", string.Join(", ", facts.To));
        Fact(output, "cc", string.Join(", ", facts.Cc));
        Fact(output, "subject", facts.Subject);
        Fact(output, "list_id", facts.ListId);
        Fact(output, "message_id", facts.MessageId);
        Fact(output, "date", facts.Date?.ToString("u", CultureInfo.InvariantCulture) ?? "");
        Fact(output, "account", facts.Account, facts.AccountOwner.Length > 0 ? $"(owner {facts.AccountOwner})" : null);
        Fact(output, "authenticated", facts.Authentication.ToString(), ReferenceEquals(facts.Authentication, AuthenticationFacts.NotChecked) ? "(not checked: offline; --verify looks the keys up in DNS)" : null);
        var body = facts.Body.ReplaceLineEndings(" ");
        Fact(output, "body", body.Length > BodyPreview ? body[..BodyPreview] + "…" : body, $"({facts.Body.Length} chars)");
    }

    private static void Fact(TextWriter output, string name, string value, string? note = null) =>
        output.WriteLine($"  {name,-14} {(value.Length == 0 ? "(none)" : UntrustedText.ForDisplay(value, FactPreview))}{(note is null ? "" : "  " + note)}");
}
