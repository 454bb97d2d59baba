using System.Globalization;
using MailGate.Core.Decide;
using MailGate.Core.Messages;
using MailGate.Core.Parse;
using MailGate.Core.Storage;
using MailGate.Process;
using MailGate.Rules;

namespace MailGate.Status;

/// <summary>
/// A decision page's content: the stored record, and every rule's verdict with its reason, found as
/// <c>mailgate rules test</c> finds it: the stored content parsed again and evaluated with explain, with the
/// rules in force now (their version is shown beside the decision's own) and a limiter of its own, so that
/// looking never spends the gateway's untrusted budget. DKIM/ARC is checked with the keys already cached only.
/// </summary>
internal sealed class DecisionExplainer(IMessageStorage storage, MessageParser parser, RulesProvider rules, TimeProvider time)
{
    /// <summary>The page of <paramref name="id"/>, or null when there is no such message.</summary>
    public async Task<DecisionDetail?> ExplainAsync(string id, CancellationToken cancellationToken)
    {
        if (storage.Find(id) is not { } entry)
        {
            return null;
        }

        var current = rules.Current;
        IReadOnlyList<RuleVerdict> verdicts = [];
        string? problem = null;
        try
        {
            var facts = await ReadFactsAsync(entry.Message, cancellationToken).ConfigureAwait(false);
            var decision = MessageDecider.Decide(
                new DecisionInput { Facts = facts, Rules = current, ClientAddress = entry.Message.Envelope.Mail?.ClientAddress, DecidedAt = time.GetUtcNow(), Explain = true },
                new UntrustedLimiter(time));
            verdicts = [.. decision.Evaluation.Trace.Select(t => new RuleVerdict(t.Rule, t.Matched, t.Reason))];
        }
        catch (Exception e) when (e is MessageParseException or IOException or UnauthorizedAccessException or System.Text.Json.JsonException)
        {
            problem = e.Message;
        }

        var state = entry.State;
        return new DecisionDetail(
            DecisionRecords.Summarise(entry),
            Facts(entry),
            state?.Untrusted ?? [],
            verdicts,
            current.Version,
            problem,
            [.. (state?.Deliveries ?? []).Select(d => new DeliveryAttempts(
                d.Rule, d.Route, d.Event.EventAction, d.Event.DedupKey, d.Event.Payload.Summary, d.Event.Payload.Severity,
                DecisionRecords.Status(d.Status), d.Attempts, d.LastError, d.LastAttemptAt, d.CompletedAt, d.RequeuedAt, d.TravelsUnverified()))]);
    }

    private async Task<MessageFacts> ReadFactsAsync(StoredMessage message, CancellationToken cancellationToken)
    {
        var content = storage.OpenContent(message);
        await using (content.ConfigureAwait(false))
        {
            return message.Envelope.Origin switch
            {
                SupportCaseOrigin => SupportCaseReader.Read(message.Id, message.Envelope, content),
                HealthEventOrigin => HealthEventReader.Read(message.Id, message.Envelope, content),
                CoverageOrigin => CoverageAlertReader.Read(message.Id, message.Envelope, content),
                _ => await parser.ParseAsync(message.Id, message.Envelope, content, cancellationToken).ConfigureAwait(false),
            };
        }
    }

    private static Dictionary<string, string> Facts(StoredEntry entry)
    {
        var (message, _, state, problem) = entry;
        var facts = new Dictionary<string, string>(StringComparer.Ordinal)
        {
            ["received_at"] = message.Envelope.ReceivedAt.ToString("u", CultureInfo.InvariantCulture),
        };
        Add(facts, "envelope_from", message.Envelope.Mail?.MailFrom);
        Add(facts, "recipients", message.Envelope.Mail is { } mail ? string.Join(", ", mail.Recipients) : null);
        Add(facts, "client_address", message.Envelope.Mail?.ClientAddress);
        Add(facts, "case_account", message.Envelope.SupportCase is { } c ? $"{c.AccountId} ({c.AccountName})" : null);
        Add(facts, "health_channel", message.Envelope.HealthEvent?.Channel);
        Add(facts, "message_id", state?.MessageId);
        Add(facts, "sender", state?.Sender);
        Add(facts, "subject", state?.Subject);
        Add(facts, "account", state?.Account);
        Add(facts, "authentication", state?.Authentication);
        Add(facts, "rules_version", state?.RulesVersion);
        Add(facts, "decided_at", state?.DecidedAt?.ToString("u", CultureInfo.InvariantCulture));
        Add(facts, "dropped_by", state?.DroppedBy);
        Add(facts, "coverage_probe", state?.Probe);
        Add(facts, "error", state?.Error);
        Add(facts, "state_problem", problem);
        return facts;
    }

    private static void Add(Dictionary<string, string> facts, string name, string? value)
    {
        if (!string.IsNullOrEmpty(value))
        {
            facts[name] = value;
        }
    }
}
