using System.Collections.Concurrent;
using MailGate.Deliver;
using MailGate.Observability;
using MailGate.Parse;
using MailGate.Rules;
using MailGate.Spool;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace MailGate.Process;

/// <summary>
/// Takes each committed message through parse → rules → deliver, asynchronously after the 250. On
/// start it first recovers the spool and resumes every unfinished message, before the SMTP listener
/// opens (it is registered first). Messages are processed concurrently; one failing never blocks the
/// others.
/// </summary>
internal sealed class MessageProcessor(
    SpoolStore spool,
    ProcessingInbox inbox,
    MessageParser parser,
    RulesProvider rules,
    PagerDutyDelivery delivery,
    ProcessingEvents events,
    MailGateMetrics metrics,
    TimeProvider time,
    ILogger<MessageProcessor> logger) : BackgroundService
{
    private readonly ConcurrentDictionary<string, Task> _running = new(StringComparer.Ordinal);

    public override Task StartAsync(CancellationToken cancellationToken)
    {
        var recovery = spool.Recover();
        if (recovery.DiscardedIncoming > 0 || recovery.Corrupt.Count > 0)
        {
            Log.SpoolRecovered(logger, recovery.DiscardedIncoming, recovery.Corrupt.Count, string.Join(", ", recovery.Corrupt));
        }

        var unfinished = spool.List(SpoolArea.Active);
        foreach (var message in unfinished)
        {
            inbox.Enqueue(message);
        }

        Log.SpoolResumed(logger, unfinished.Count, spool.Root);
        return base.StartAsync(cancellationToken);
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        try
        {
            await foreach (var message in inbox.Reader.ReadAllAsync(stoppingToken).ConfigureAwait(false))
            {
                var task = ProcessAsync(message, stoppingToken);
                if (!task.IsCompleted && _running.TryAdd(message.Id, task))
                {
                    _ = task.ContinueWith(t => _running.TryRemove(message.Id, out _), TaskScheduler.Default);
                }
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // Shutting down: unfinished messages stay in the active spool and resume at the next start.
        }

        await Task.WhenAll(_running.Values).ConfigureAwait(false);
    }

    private async Task ProcessAsync(SpooledMessage message, CancellationToken stoppingToken)
    {
        await Task.Yield();
        using var scope = logger.BeginScope(new Dictionary<string, object> { ["SpoolId"] = message.Id });
        try
        {
            var state = SpoolStore.ReadState(message);
            if (!state.IsDecided)
            {
                state = Decide(message);
                SpoolStore.WriteState(message, state);
            }

            for (var i = 0; i < state.Deliveries.Count; i++)
            {
                if (state.Deliveries[i].Status != DeliveryStatus.Pending)
                {
                    continue;
                }

                var index = i;
                var outcome = await delivery.DeliverAsync(
                    message,
                    state.Deliveries[index],
                    (progress, _) =>
                    {
                        state = Replace(state, index, progress);
                        SpoolStore.WriteState(message, state);
                        return ValueTask.CompletedTask;
                    },
                    stoppingToken).ConfigureAwait(false);
                state = Replace(state, index, outcome);
                SpoolStore.WriteState(message, state);
                LogDelivery(message, state, outcome);
            }

            Finish(message, state);
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            Log.ProcessingInterrupted(logger, message.Id);
        }
#pragma warning disable CA1031 // One message's failure must not stop the others; it stays in the spool.
        catch (Exception e)
#pragma warning restore CA1031
        {
            Log.ProcessingFailed(logger, e, message.Id);
        }
    }

    private ProcessingState Decide(SpooledMessage message)
    {
        MessageFacts facts;
        try
        {
            facts = parser.Parse(message);
        }
        catch (MessageParseException e)
        {
            metrics.Decided("unparseable");
            return new ProcessingState { DecidedAt = time.GetUtcNow(), Error = $"cannot parse: {e.Message}" };
        }

        var ruleSet = rules.Current;
        var decision = RuleEvaluator.Evaluate(ruleSet, facts);
        var state = new ProcessingState
        {
            RulesVersion = ruleSet.Version,
            DecidedAt = time.GetUtcNow(),
            MessageId = facts.MessageId,
            Sender = facts.Sender,
            Subject = facts.Subject,
            DroppedBy = decision.DroppedBy,
            Deliveries = decision.Matches.Select(match => new DeliveryRecord
            {
                Rule = match.Rule,
                Route = match.Route,
                Event = PagerDutyEventBuilder.Build(facts, match, ruleSet.Version),
            }).ToArray(),
        };

        metrics.Decided(decision.Matches.Count == 0 ? "drop" : "page");
        if (decision.Matches.Count == 0)
        {
            Log.MessageDropped(logger, message.Id, facts.MessageId, facts.Sender, facts.Subject, decision.DroppedBy ?? "(no rule matched)", ruleSet.Version);
        }
        else
        {
            foreach (var match in decision.Matches)
            {
                metrics.RuleMatched(match.Rule);
                Log.MessageMatched(logger, message.Id, facts.MessageId, facts.Sender, facts.Subject, match.Rule, match.Route, match.DedupKey, ruleSet.Version);
            }
        }

        return state;
    }

    private void Finish(SpooledMessage message, ProcessingState state)
    {
        if (!state.IsFinished)
        {
            return;
        }

        if (state.HasFailures)
        {
            spool.Move(message, SpoolArea.Dead);
            events.OnFinished(message.Id, SpoolArea.Dead);
            metrics.DeadLettered();
            Log.MessageDeadLettered(logger, message.Id, state.MessageId ?? "", state.Subject ?? "", state.Error ?? string.Join("; ", state.Deliveries.Where(d => d.LastError is not null).Select(d => $"{d.Rule}: {d.Status}: {d.LastError}")));
        }
        else
        {
            spool.Move(message, SpoolArea.Done);
            events.OnFinished(message.Id, SpoolArea.Done);
        }
    }

    private void LogDelivery(SpooledMessage message, ProcessingState state, DeliveryRecord outcome)
    {
        var latency = time.GetUtcNow() - message.Envelope.ReceivedAt;
        switch (outcome.Status)
        {
            case DeliveryStatus.Delivered or DeliveryStatus.DryRun:
                metrics.Delivered(latency);
                Log.MessageDelivered(logger, message.Id, state.MessageId ?? "", state.Sender ?? "", state.Subject ?? "", outcome.Rule, outcome.Route, outcome.Status.ToString(), outcome.Event.DedupKey, outcome.Attempts, latency.TotalMilliseconds);
                break;
            default:
                Log.DeliveryFailed(logger, message.Id, state.MessageId ?? "", outcome.Rule, outcome.Route, outcome.Status.ToString(), outcome.Event.DedupKey, outcome.Attempts, outcome.LastError ?? "");
                break;
        }
    }

    private static ProcessingState Replace(ProcessingState state, int index, DeliveryRecord record)
    {
        var deliveries = state.Deliveries.ToArray();
        deliveries[index] = record;
        return state with { Deliveries = deliveries };
    }
}
