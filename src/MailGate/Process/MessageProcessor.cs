using System.Collections.Concurrent;
using System.Text.Json;
using System.Threading.Channels;
using MailGate.Deliver;
using MailGate.Observability;
using MailGate.Parse;
using MailGate.Rules;
using MailGate.Spool;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace MailGate.Process;

/// <summary>
/// Takes each committed message through parse → rules → deliver, asynchronously after the 250.
/// </summary>
/// <remarks>
/// <para>On start it recovers the spool and queues every unfinished message, oldest first, before the
/// SMTP listener opens (it is registered first). Messages are decided one at a time, in arrival order;
/// the decision is written to <c>state.json</c> before anything is sent.</para>
/// <para>Each route has one lane: a queue whose events are sent one at a time, in arrival order, each
/// retried until PagerDuty has it (or it expires). A PagerDuty outage therefore costs one request per
/// backoff interval per route, not one per waiting message, and order is kept.</para>
/// <para>Every <see cref="SpoolOptions.ScanInterval"/> the active area is listed again, so a message
/// re-queued by <c>mailgate spool retry</c> (or left behind by an unexpected error) is picked up.</para>
/// </remarks>
internal sealed class MessageProcessor(
    SpoolStore spool,
    ProcessingInbox inbox,
    MessageParser parser,
    RulesProvider rules,
    PagerDutyDelivery delivery,
    ProcessingEvents events,
    MailGateMetrics metrics,
    UntrustedLimiter untrustedLimiter,
    IOptions<SpoolOptions> options,
    IOptions<TrustOptions> trust,
    TimeProvider time,
    ILogger<MessageProcessor> logger) : BackgroundService
{
    private readonly ConcurrentDictionary<string, MessageWork> _tracked = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, Channel<(MessageWork Work, int Index)>> _lanes = new(StringComparer.Ordinal);
    private readonly ConcurrentBag<Task> _laneTasks = [];
    private CancellationToken _stopping;

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
        _stopping = stoppingToken;
        var interval = options.Value.ScanInterval;
        using var scan = time.CreateTimer(_ => Rescan(), null, interval, interval);
        try
        {
            await foreach (var message in inbox.Reader.ReadAllAsync(stoppingToken).ConfigureAwait(false))
            {
                await AcceptAsync(message, stoppingToken).ConfigureAwait(false);
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // Shutting down: unfinished messages stay in the active spool and resume at the next start.
        }

        await Task.WhenAll(_laneTasks).ConfigureAwait(false);
    }

    /// <summary>Decides a newly queued message (once) and puts its pending events in their route lanes.</summary>
    private async Task AcceptAsync(SpooledMessage message, CancellationToken stoppingToken)
    {
        if (_tracked.ContainsKey(message.Id) || !Directory.Exists(message.Directory))
        {
            return; // already in hand, or finished since it was queued
        }

        using var scope = logger.BeginScope(new Dictionary<string, object> { ["SpoolId"] = message.Id });
        try
        {
            ProcessingState state;
            try
            {
                state = SpoolStore.ReadState(message);
            }
            catch (JsonException e)
            {
                spool.Move(message, SpoolArea.Corrupt);
                Log.StateCorrupt(logger, message.Id, e.Message);
                return;
            }

            if (!state.IsDecided)
            {
                if (await DecideAsync(message, stoppingToken).ConfigureAwait(false) is not { } decided)
                {
                    return; // verification hit a temporary DNS failure: the next scan tries again
                }

                state = decided;
                SpoolStore.WriteState(message, state);
            }

            var work = new MessageWork(message, state);
            _tracked[message.Id] = work;
            if (state.IsFinished)
            {
                Finish(work);
                return;
            }

            for (var i = 0; i < state.Deliveries.Count; i++)
            {
                if (state.Deliveries[i].Status == DeliveryStatus.Pending)
                {
                    Lane(state.Deliveries[i].Route).Writer.TryWrite((work, i));
                }
            }
        }
#pragma warning disable CA1031 // One message's failure must not stop the others; it stays in the spool.
        catch (Exception e) when (e is not OperationCanceledException || !stoppingToken.IsCancellationRequested)
#pragma warning restore CA1031
        {
            _tracked.TryRemove(message.Id, out _);
            Log.ProcessingFailed(logger, e, message.Id);
        }
    }

    private Channel<(MessageWork Work, int Index)> Lane(string route) =>
        _lanes.GetOrAdd(route, name =>
        {
            var lane = Channel.CreateUnbounded<(MessageWork, int)>(new UnboundedChannelOptions { SingleReader = true });
            _laneTasks.Add(Task.Run(() => RunLaneAsync(lane.Reader, _stopping)));
            return lane;
        });

    private async Task RunLaneAsync(ChannelReader<(MessageWork Work, int Index)> lane, CancellationToken stoppingToken)
    {
        try
        {
            await foreach (var (work, index) in lane.ReadAllAsync(stoppingToken).ConfigureAwait(false))
            {
                await DeliverAsync(work, index, stoppingToken).ConfigureAwait(false);
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // Shutting down.
        }
    }

    private async Task DeliverAsync(MessageWork work, int index, CancellationToken stoppingToken)
    {
        var message = work.Message;
        using var scope = logger.BeginScope(new Dictionary<string, object> { ["SpoolId"] = message.Id });
        try
        {
            var outcome = await delivery.DeliverAsync(
                message,
                work.State.Deliveries[index],
                (progress, _) =>
                {
                    work.Update(index, progress);
                    return ValueTask.CompletedTask;
                },
                stoppingToken).ConfigureAwait(false);
            var finished = work.Complete(index, outcome);
            LogDelivery(message, work.State, outcome);
            if (finished)
            {
                Finish(work);
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            Log.ProcessingInterrupted(logger, message.Id);
        }
#pragma warning disable CA1031 // One delivery's failure must not stop the lane; the message stays in the spool.
        catch (Exception e)
#pragma warning restore CA1031
        {
            // Let the next scan pick the message up again (its state says what is still owed).
            _tracked.TryRemove(message.Id, out _);
            Log.ProcessingFailed(logger, e, message.Id);
        }
    }

    /// <summary>Parses, verifies and evaluates; null when verification should be tried again later.</summary>
    private async Task<ProcessingState?> DecideAsync(SpooledMessage message, CancellationToken cancellationToken)
    {
        MessageFacts facts;
        try
        {
            if (message.IsSupportCase)
            {
                return Decide(message, SupportCaseReader.Read(message));
            }

            facts = await parser.ParseAsync(message, cancellationToken).ConfigureAwait(false);
            var age = time.GetUtcNow() - message.Envelope.ReceivedAt;
            if (facts.Authentication.HasTemporaryError && age < trust.Value.TempErrorRetryWindow)
            {
                Log.VerificationDeferred(logger, message.Id, facts.Authentication.ToString(), trust.Value.TempErrorRetryWindow - age);
                events.OnDeferred(message.Id);
                return null;
            }
        }
        catch (MessageParseException e)
        {
            metrics.Decided("unparseable");
            return new ProcessingState { DecidedAt = time.GetUtcNow(), Error = $"cannot parse: {e.Message}" };
        }

        return Decide(message, facts);
    }

    /// <summary>Evaluates the rules on <paramref name="facts"/> and records what is owed to PagerDuty.</summary>
    private ProcessingState Decide(SpooledMessage message, MessageFacts facts)
    {
        var ruleSet = rules.Current;
        facts = AccountResolver.Resolve(facts, ruleSet.Accounts);
        var decision = RuleEvaluator.Evaluate(ruleSet, facts);
        foreach (var error in decision.Errors)
        {
            metrics.RuleFailed(error.Rule, error.Reason);
            Log.RuleFailed(logger, message.Id, Shown(Identity(facts)), error.Rule, error.Reason, error.Detail, ruleSet.Version);
        }

        var authentication = facts.Case is null ? facts.Authentication.ToString() : "not applicable: read from the AWS Support API";
        var untrusted = new List<string>();
        foreach (var rule in decision.DroppedUntrusted)
        {
            untrusted.Add($"{rule}: matched, but the message is not trusted; dropped by the trust policy");
            metrics.Untrusted("dropped");
            Log.UntrustedDropped(logger, message.Id, Shown(Identity(facts)), facts.Sender, facts.Subject, rule, authentication);
        }

        var matches = new List<RuleMatch>();
        foreach (var match in decision.Matches)
        {
            if (!match.Trusted && !untrustedLimiter.TryAcquire(facts.Sender, ruleSet.Trust?.Untrusted.MaxPerSenderPerHour ?? 0))
            {
                untrusted.Add($"{match.Rule}: matched, but the message is not trusted and {facts.Sender} is over trust.untrusted.max_per_sender_per_hour; not paged");
                metrics.Untrusted("rate_limited");
                Log.UntrustedRateLimited(logger, message.Id, Shown(Identity(facts)), facts.Sender, facts.Subject, match.Rule, authentication);
                continue;
            }

            if (!match.Trusted)
            {
                metrics.Untrusted("paged");
            }

            matches.Add(match);
            metrics.RuleMatched(match.Rule);
            Log.MessageMatched(logger, message.Id, Shown(Identity(facts)), facts.Sender, facts.Subject, facts.Account, match.Rule, match.Route, match.Severity, match.Trusted, match.DedupKey, authentication, ruleSet.Version);
        }

        metrics.Decided(matches.Count > 0 ? "page" : decision.Undecided ? "error" : "drop");
        if (matches.Count == 0 && untrusted.Count == 0 && !decision.Undecided)
        {
            Log.MessageDropped(logger, message.Id, Shown(Identity(facts)), facts.Sender, facts.Subject, decision.DroppedBy ?? "(no rule matched)", ruleSet.Version);
        }

        return new ProcessingState
        {
            RulesVersion = ruleSet.Version,
            DecidedAt = time.GetUtcNow(),
            MessageId = Identity(facts),
            Sender = facts.Sender,
            Subject = facts.Subject,
            DroppedBy = decision.DroppedBy,
            Untrusted = untrusted,
            Authentication = authentication,
            Account = facts.Account.Length > 0 ? facts.Account : null,
            Error = decision.Undecided ? "the rules could not decide (nothing paged): " + decision.ErrorSummary : null,
            Deliveries = matches.Select(match => new DeliveryRecord
            {
                Rule = match.Rule,
                Route = match.Route,
                Event = PagerDutyEventBuilder.Build(facts, match, ruleSet.Version, resolve: message.Envelope.Case?.Resolve == true),
            }).ToArray(),
        };
    }

    private void Finish(MessageWork work)
    {
        var message = work.Message;
        var state = work.State;
        try
        {
            if (state.HasFailures)
            {
                spool.Move(message, SpoolArea.Dead);
                events.OnFinished(message.Id, SpoolArea.Dead);
                metrics.DeadLettered();
                Log.MessageDeadLettered(logger, message.Id, Shown(state.MessageId), state.Subject ?? "", state.Error ?? string.Join("; ", state.Deliveries.Where(d => d.LastError is not null).Select(d => $"{d.Rule}: {d.Status}: {d.LastError}")));
            }
            else
            {
                spool.Move(message, SpoolArea.Done);
                events.OnFinished(message.Id, SpoolArea.Done);
            }
        }
        finally
        {
            _tracked.TryRemove(message.Id, out _);
        }
    }

    /// <summary>Queues active messages nobody is working on (re-queued by an operator, or left by an error).</summary>
    private void Rescan()
    {
        try
        {
            // Names only: a backlog of thousands during an outage costs no file reads here.
            foreach (var id in spool.Ids(SpoolArea.Active))
            {
                if (!_tracked.ContainsKey(id) && spool.Open(SpoolArea.Active, id) is { } message)
                {
                    inbox.Enqueue(message);
                }
            }
        }
        catch (IOException e)
        {
            Log.ScanFailed(logger, e.Message);
        }
    }

    /// <summary>What identifies the message in logs and state: its Message-ID, or a support case's id.</summary>
    private static string Identity(MessageFacts facts) => facts.Case is { } supportCase ? "case " + supportCase.CaseId : facts.MessageId;

    /// <summary>A Message-ID for log lines: "(none)" rather than a blank.</summary>
    private static string Shown(string? messageId) => string.IsNullOrEmpty(messageId) ? "(none)" : messageId;

    private void LogDelivery(SpooledMessage message, ProcessingState state, DeliveryRecord outcome)
    {
        var latency = time.GetUtcNow() - message.Envelope.ReceivedAt;
        switch (outcome.Status)
        {
            case DeliveryStatus.Delivered or DeliveryStatus.DryRun:
                metrics.Delivered(latency);
                Log.MessageDelivered(logger, message.Id, Shown(state.MessageId), state.Sender ?? "", state.Subject ?? "", outcome.Rule, outcome.Route, outcome.Status.ToString(), outcome.Event.DedupKey, outcome.Attempts, latency.TotalMilliseconds);
                break;
            default:
                Log.DeliveryFailed(logger, message.Id, Shown(state.MessageId), outcome.Rule, outcome.Route, outcome.Status.ToString(), outcome.Event.DedupKey, outcome.Attempts, outcome.LastError ?? "");
                break;
        }
    }
}
