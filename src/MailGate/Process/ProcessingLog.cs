using MailGate.Core.Messages;
using MailGate.Core.Decide;
using MailGate.Core.Storage;
using MailGate.Observability;
using MailGate.Spool;
using Microsoft.Extensions.Logging;

namespace MailGate.Process;

/// <summary>
/// Reports what processing decided and did — log lines (category <see cref="MessageProcessor"/>) and
/// metrics — from the records the decider and the deliveries return; it decides nothing.
/// </summary>
internal sealed class ProcessingLog(MailGateMetrics metrics, TimeProvider time, ILogger<MessageProcessor> logger)
{
    /// <summary>Logs and counts a decision: rule errors, untrusted matches not paged, pages, and a drop.</summary>
    public void Decided(string spoolId, MessageDecision decision)
    {
        var facts = decision.Facts;
        var shown = Shown(decision.Identity);
        foreach (var error in decision.Evaluation.Errors)
        {
            metrics.RuleFailed(error.Rule, error.Reason);
            Log.RuleFailed(logger, spoolId, shown, error.Rule, error.Reason, error.Detail, decision.RulesVersion);
        }

        foreach (var untrusted in decision.Untrusted)
        {
            metrics.Untrusted(untrusted.Outcome);
            if (untrusted.DroppedByPolicy)
            {
                Log.UntrustedDropped(logger, spoolId, shown, facts.Sender, facts.Subject, untrusted.Rule, decision.Authentication);
            }
            else
            {
                Log.UntrustedRateLimited(logger, spoolId, shown, facts.Sender, facts.Subject, untrusted.Rule, decision.Authentication, untrusted.Limit ?? "");
            }
        }

        foreach (var (match, _) in decision.Pages)
        {
            if (!match.Trusted)
            {
                metrics.Untrusted("paged");
            }

            metrics.RuleMatched(match.Rule);
            Log.MessageMatched(logger, spoolId, shown, facts.Sender, facts.Subject, facts.Account, match.Rule, match.Route, match.Severity, match.Trusted, match.DedupKey, decision.Authentication, decision.RulesVersion);
        }

        metrics.Decided(decision.ActionLabel);
        if (decision.Action == DecisionAction.Drop && decision.Untrusted.Count == 0)
        {
            Log.MessageDropped(logger, spoolId, shown, facts.Sender, facts.Subject, decision.Evaluation.DroppedBy ?? "(no rule matched)", decision.RulesVersion);
        }
    }

    /// <summary>Counts a message that cannot be parsed (its state says why; it is dead-lettered).</summary>
    public void Unparseable() => metrics.Decided("unparseable");

    /// <summary>Logs the final outcome of one delivery; counts a delivered one with its latency since receipt.</summary>
    public void Delivered(StoredMessage message, ProcessingState state, DeliveryRecord outcome)
    {
        var latency = time.GetUtcNow() - message.Envelope.ReceivedAt;
        latency = latency > TimeSpan.Zero ? latency : TimeSpan.Zero; // a clock stepped back
        switch (outcome.Status)
        {
            case DeliveryStatus.Delivered or DeliveryStatus.DryRun:
                metrics.Delivered(latency);
                Log.MessageDelivered(logger, message.Id, Shown(state.MessageId), state.Sender ?? "", state.Subject ?? "", outcome.Rule, outcome.Route, outcome.Status.ToString(), outcome.Event.DedupKey, outcome.Attempts, latency.TotalMilliseconds);
                break;
            case DeliveryStatus.Duplicate:
                Log.DeliveryDuplicate(logger, message.Id, Shown(state.MessageId), outcome.Rule, outcome.Route, outcome.DuplicateOf ?? "", outcome.Event.DedupKey);
                break;
            default:
                Log.DeliveryFailed(logger, message.Id, Shown(state.MessageId), outcome.Rule, outcome.Route, outcome.Status.ToString(), outcome.Event.DedupKey, outcome.Attempts, outcome.LastError ?? "");
                break;
        }
    }

    /// <summary>Logs and counts a message moved to <c>dead/</c>, with the reason.</summary>
    public void DeadLettered(string spoolId, ProcessingState state)
    {
        metrics.DeadLettered();
        var reason = state.Error ?? string.Join("; ", state.Deliveries.Where(d => d.LastError is not null).Select(d => $"{d.Rule}: {d.Status}: {d.LastError}"));
        Log.MessageDeadLettered(logger, spoolId, Shown(state.MessageId), state.Subject ?? "", reason);
    }

    /// <summary>A Message-ID for log lines: "(none)" rather than a blank.</summary>
    private static string Shown(string? messageId) => string.IsNullOrEmpty(messageId) ? "(none)" : messageId;
}
