using System.Collections.Concurrent;
using System.Text.Json;
using System.Threading.Channels;
using MailGate.Deliver;
using MailGate.Observability;
using MailGate.Parse;
using MailGate.Rules;
using MailGate.Spool;
using MailGate.Storage;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace MailGate.Process;

/// <summary>
/// Takes each committed message through parse → rules → deliver, asynchronously after the 250.
/// </summary>
/// <remarks>
/// <para>On start it recovers the spool and queues every unfinished message, oldest first, before the
/// SMTP listener opens (it is registered first). Messages are decided one at a time, in arrival order,
/// and deciding never waits for the network: DKIM/ARC keys come from the cache
/// (<see cref="Parse.Authentication.DnsDkimPublicKeyLocator.Offline"/>). A message that needs keys not
/// looked up yet is set aside while <see cref="KeyFetcher"/> looks them up (bounded, fair between client
/// networks, within a time budget) and is decided when they are in; the messages behind it go on. A
/// temporary DNS failure defers the decision (<see cref="TrustOptions.TempErrorRetryWindow"/>).</para>
/// <para>The decision is written to <c>state.json</c> before anything is sent. Each route has a lane for
/// trusted events and one for untrusted ones: a queue whose events are sent one at a time, in the order
/// they were decided, each retried until PagerDuty has it (or it expires). A PagerDuty outage therefore
/// costs one request per backoff interval per lane, not one per waiting message, and untrusted events
/// never wait in front of trusted ones.</para>
/// <para>What is known in memory is never lost to a failed write: a message whose state cannot be
/// written stays tracked and is written again with backoff (<see cref="UnsavedWork"/>), and nothing
/// already accepted by PagerDuty is sent again.</para>
/// <para>Every <see cref="SpoolOptions.ScanInterval"/> the active area is listed again, so a message
/// re-queued by <c>mailgate spool retry</c> (or left behind by an unexpected error, or deferred) is
/// picked up; a message is never queued twice.</para>
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
    KeyFetcher keyFetcher,
    IStateStore store,
    UnsavedWork unsaved,
    IOptions<SpoolOptions> options,
    IOptions<TrustOptions> trust,
    TimeProvider time,
    ILogger<MessageProcessor> logger) : BackgroundService
{
    /// <summary>Decided messages being delivered, or waiting for their state to be written.</summary>
    private readonly ConcurrentDictionary<string, MessageWork> _tracked = new(StringComparer.Ordinal);

    /// <summary>Messages being decided, having keys looked up, or tracked: never queued again meanwhile.</summary>
    private readonly ConcurrentDictionary<string, byte> _inHand = new(StringComparer.Ordinal);

    /// <summary>Messages whose keys were just looked up, with the hold that keeps those answers usable: the next verification takes what it finds.</summary>
    private readonly ConcurrentDictionary<string, IDisposable> _fetched = new(StringComparer.Ordinal);

    /// <summary>Messages deferred by a temporary DNS failure: since when, and when to try again (monotonic).</summary>
    private readonly ConcurrentDictionary<string, Deferral> _deferred = new(StringComparer.Ordinal);

    private readonly ConcurrentDictionary<string, Channel<(MessageWork Work, int Index)>> _lanes = new(StringComparer.Ordinal);
    private readonly ProcessingFailures _failures = new();
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
        keyFetcher.RestorePinned();
        return base.StartAsync(cancellationToken);
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        _stopping = stoppingToken;
        var interval = options.Value.ScanInterval;
        using var scan = time.CreateTimer(_ => Rescan(), null, interval, interval);
        var fetching = keyFetcher.RunAsync(stoppingToken);
        var settling = unsaved.RunAsync(Settle, stoppingToken);
        try
        {
            await foreach (var message in inbox.ReadAllAsync(stoppingToken).ConfigureAwait(false))
            {
                await AcceptAsync(message, stoppingToken).ConfigureAwait(false);
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // Shutting down: unfinished messages stay in the active spool and resume at the next start.
        }

        await Task.WhenAll([.. _laneTasks, fetching, settling]).ConfigureAwait(false);
    }

    /// <summary>Decides a newly queued message (once) and puts its pending events in their lanes.</summary>
    private async Task AcceptAsync(SpooledMessage message, CancellationToken stoppingToken)
    {
        if (!_inHand.TryAdd(message.Id, 0))
        {
            return; // already in hand
        }

        var kept = false;
        using var scope = logger.BeginScope(new Dictionary<string, object> { ["SpoolId"] = message.Id });
        using var fetched = _fetched.TryRemove(message.Id, out var hold) ? hold : null;
        try
        {
            if (!Directory.Exists(message.Directory))
            {
                return; // finished since it was queued
            }

            ProcessingState state;
            try
            {
                state = store.ReadState(message);
            }
            catch (JsonException e)
            {
                spool.Move(message, SpoolArea.Corrupt);
                Log.StateCorrupt(logger, message.Id, e.Message);
                return;
            }

            if (state.IsDecided)
            {
                kept = true;
                Track(message, state, written: true);
                return;
            }

            var decided = await DecideAsync(message, postFetch: fetched is not null, stoppingToken).ConfigureAwait(false);
            kept = decided.SetAside;
            if (decided.State is { } newState)
            {
                kept = true;
                _failures.Forget(message.Id);
                Track(message, newState, written: false);
            }
        }
#pragma warning disable CA1031 // One message's failure must not stop the others; it stays in the spool.
        catch (Exception e) when (e is not OperationCanceledException || !stoppingToken.IsCancellationRequested)
#pragma warning restore CA1031
        {
            // A message tracked already is in memory, owned by its lanes or UnsavedWork: never let a scan take it up twice.
            kept = _tracked.ContainsKey(message.Id);
            kept = kept || Failed(message, e);
        }
        finally
        {
            if (!kept)
            {
                _inHand.TryRemove(message.Id, out _);
            }
        }
    }

    /// <summary>
    /// Reports an unexpected failure to decide <paramref name="message"/>: the first with its stack trace,
    /// the next ones in a line; at <see cref="ProcessingFailures.Limit"/> in a row the message is decided as
    /// failed and dead-lettered with the reason (<c>mailgate spool retry</c> decides it again once the cause is
    /// fixed). True when the message is now tracked.
    /// </summary>
    private bool Failed(SpooledMessage message, Exception e)
    {
        var failures = _failures.Failed(message.Id);
        if (failures == 1)
        {
            Log.ProcessingFailed(logger, e, message.Id);
        }
        else if (failures < ProcessingFailures.Limit)
        {
            Log.ProcessingFailedAgain(logger, message.Id, failures, e.GetType().Name, e.Message);
        }

        if (failures < ProcessingFailures.Limit)
        {
            return false;
        }

        _failures.Forget(message.Id);
        Log.ProcessingGaveUp(logger, message.Id, failures, e.GetType().Name, e.Message);
        Track(message, new ProcessingState
        {
            DecidedAt = time.GetUtcNow(),
            Error = $"processing failed {failures} times in a row: {e.GetType().Name}: {e.Message}",
        }, written: false);
        return true;
    }

    /// <summary>Starts tracking a decided message; its events go to their lanes once the decision is on disk.</summary>
    private void Track(SpooledMessage message, ProcessingState state, bool written)
    {
        var work = new MessageWork(message, state, store, written, DeliveryClock.Now(time));
        _tracked[message.Id] = work;
        if (!work.TryWrite())
        {
            Unsaved(work); // nothing is sent before the decision is on disk: a restart must not decide differently
            return;
        }

        Dispatch(work);
    }

    /// <summary>Puts the pending events of a message whose decision is on disk in their lanes (once), or finishes it.</summary>
    private void Dispatch(MessageWork work)
    {
        if (work.Dispatched)
        {
            return;
        }

        work.Dispatched = true;
        var state = work.State;
        if (state.IsFinished)
        {
            Finish(work);
            return;
        }

        for (var i = 0; i < state.Deliveries.Count; i++)
        {
            if (state.Deliveries[i].Status == DeliveryStatus.Pending)
            {
                Lane(state.Deliveries[i]).Writer.TryWrite((work, i));
            }
        }
    }

    /// <summary>The lane of a delivery: its route's, events of verified and unverified mail apart (<see cref="DeliveryRecord.TravelsUnverified"/>).</summary>
    private Channel<(MessageWork Work, int Index)> Lane(DeliveryRecord record) =>
        _lanes.GetOrAdd(record.TravelsUnverified() ? record.Route + " (untrusted)" : record.Route, name =>
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
            if (work.State.Deliveries[index].Status != DeliveryStatus.Pending)
            {
                // Back after an error that came once its outcome was known (RetryLaterAsync): never send it again,
                // only finish what is left to do.
                if (work.IsWritten && work.State.IsFinished)
                {
                    Finish(work);
                }
                else if (!work.IsWritten)
                {
                    Unsaved(work);
                }

                return;
            }

            var outcome = await delivery.DeliverAsync(
                message,
                work.State.Deliveries[index],
                work.Clock,
                (progress, _) =>
                {
                    work.Update(index, progress);
                    if (!work.IsWritten)
                    {
                        Unsaved(work);
                    }

                    return ValueTask.CompletedTask;
                },
                stoppingToken).ConfigureAwait(false);
            var finished = work.Complete(index, outcome);
            LogDelivery(message, work.State, outcome);
            if (!work.IsWritten)
            {
                Unsaved(work); // PagerDuty has it: that is kept in memory, and the message is never sent again
            }
            else if (finished)
            {
                Finish(work);
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            Log.ProcessingInterrupted(logger, message.Id);
        }
#pragma warning disable CA1031 // One delivery's failure must not stop the lane; the event is tried again.
        catch (Exception e)
#pragma warning restore CA1031
        {
            // Keep the message tracked, with what memory knows of it, and try this event again later.
            Log.ProcessingFailed(logger, e, message.Id);
            _laneTasks.Add(RetryLaterAsync(work, index));
        }
    }

    private async Task RetryLaterAsync(MessageWork work, int index)
    {
        try
        {
            await Task.Delay(options.Value.ScanInterval, time, _stopping).ConfigureAwait(false);
            Lane(work.State.Deliveries[index]).Writer.TryWrite((work, index));
        }
        catch (OperationCanceledException) when (_stopping.IsCancellationRequested)
        {
            // Shutting down: the event resumes at the next start.
        }
    }

    /// <summary>Hands a message whose state is not on disk to <see cref="UnsavedWork"/>, which writes it again with backoff.</summary>
    private void Unsaved(MessageWork work)
    {
        metrics.StateWriteFailed();
        if (unsaved.Add(work))
        {
            Log.StateWriteFailed(logger, work.Message.Id, work.LastWriteError?.Message ?? "");
        }
    }

    /// <summary>One retry of <see cref="UnsavedWork"/>: writes the state, then does what waited for it; true when nothing is owed any more.</summary>
    private bool Settle(MessageWork work)
    {
        if (!work.TryWrite())
        {
            return false;
        }

        if (!work.Dispatched)
        {
            Log.StateWritten(logger, work.Message.Id);
            Dispatch(work);
            return !work.NeedsSettling;
        }

        if (work.State.IsFinished && !work.IsMoved)
        {
            var moved = FinishCore(work);
            if (moved)
            {
                Log.StateWritten(logger, work.Message.Id);
            }

            return moved;
        }

        Log.StateWritten(logger, work.Message.Id);
        return true;
    }

    private void Finish(MessageWork work)
    {
        if (!FinishCore(work))
        {
            Unsaved(work);
        }
    }

    /// <summary>Moves a finished message (whose state is on disk) to done/ or dead/; false when that could not be done now.</summary>
    private bool FinishCore(MessageWork work)
    {
        if (!work.IsWritten)
        {
            return false;
        }

        var state = work.State;
        var area = state.HasFailures ? SpoolArea.Dead : SpoolArea.Done;
        if (!work.TryMove(area, out var movedNow))
        {
            return false;
        }

        if (movedNow)
        {
            _tracked.TryRemove(work.Message.Id, out _);
            _inHand.TryRemove(work.Message.Id, out _);
            events.OnFinished(work.Message.Id, area);
            if (area == SpoolArea.Dead)
            {
                metrics.DeadLettered();
                Log.MessageDeadLettered(logger, work.Message.Id, Shown(state.MessageId), state.Subject ?? "", state.Error ?? string.Join("; ", state.Deliveries.Where(d => d.LastError is not null).Select(d => $"{d.Rule}: {d.Status}: {d.LastError}")));
            }
        }

        return true;
    }

    /// <summary>Parses, verifies and evaluates, never waiting for DNS.</summary>
    /// <returns>The decision; or none, with <c>SetAside</c> when the message's keys are being looked up (it is decided when they are in) or not when it is deferred.</returns>
    private async Task<(ProcessingState? State, bool SetAside)> DecideAsync(SpooledMessage message, bool postFetch, CancellationToken cancellationToken)
    {
        MessageFacts facts;
        try
        {
            if (message.Envelope.Origin is SupportCaseOrigin)
            {
                return (Decide(message, SupportCaseReader.Read(message)), false);
            }

            facts = await parser.ParseAsync(message, cancellationToken).ConfigureAwait(false);
        }
        catch (MessageParseException e)
        {
            metrics.Decided("unparseable");
            return (new ProcessingState { DecidedAt = time.GetUtcNow(), Error = $"cannot parse: {e.Message}" }, false);
        }

        var authentication = facts.Authentication;
        if (authentication.MissingKeys.Count > 0 && !postFetch)
        {
            Log.KeysNeeded(logger, message.Id, authentication.MissingKeys.Count, ClientNetwork.Of(message.Envelope.Mail?.ClientAddress));
            keyFetcher.Enqueue(message, authentication.MissingKeys, KeysFetched);
            return (null, true);
        }

        if (authentication.HasTemporaryError)
        {
            var now = time.GetTimestamp();
            var deferral = _deferred.GetOrAdd(message.Id, _ => new Deferral(now, now));
            var window = trust.Value.TempErrorRetryWindow;
            var waited = time.GetElapsedTime(deferral.Since, now);
            if (waited < window)
            {
                var retryIn = trust.Value.DnsFailureCacheDuration > options.Value.ScanInterval ? trust.Value.DnsFailureCacheDuration : options.Value.ScanInterval;
                _deferred[message.Id] = deferral with { RetryAt = now + (long)(retryIn.TotalSeconds * time.TimestampFrequency) };
                metrics.VerificationDeferred();
                Log.VerificationDeferred(logger, message.Id, authentication.ToString(), window - waited);
                events.OnDeferred(message.Id);
                return (null, false);
            }

            Log.VerificationGaveUp(logger, message.Id, window, authentication.ToString());
        }

        _deferred.TryRemove(message.Id, out _);
        return (Decide(message, facts), false);
    }

    /// <summary>The key lookups of <paramref name="message"/> ended: decide it now (its next verification takes what the cache has, held for it by <paramref name="hold"/>).</summary>
    private void KeysFetched(SpooledMessage message, IDisposable hold)
    {
        if (_fetched.TryGetValue(message.Id, out var earlier))
        {
            earlier.Dispose();
        }

        _fetched[message.Id] = hold;
        _inHand.TryRemove(message.Id, out _);
        inbox.Enqueue(message);
    }

    /// <summary>Evaluates the rules on <paramref name="facts"/> and records what is owed to PagerDuty.</summary>
    private ProcessingState Decide(SpooledMessage message, MessageFacts facts)
    {
        var ruleSet = rules.Current;
        facts = AccountResolver.Resolve(facts, ruleSet.Accounts);
        var decision = RuleEvaluator.Evaluate(ruleSet, facts);
        var verified = facts.Case is not null || ruleSet.Trust is not { } policy || policy.Trusted.Evaluate(new RuleInput(facts)) == Truth.True;
        if (verified && ruleSet.Trust is not null && facts.Case is null && facts.Authentication.KeysUsed.Count > 0)
        {
            keyFetcher.Trusted(message.Id, facts.Authentication.KeysUsed); // genuine mail's keys: kept fresh, looked up first
        }

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
        var limits = ruleSet.Trust?.Untrusted ?? UntrustedTreatment.Default;
        foreach (var match in decision.Matches)
        {
            if (!match.Trusted && untrustedLimiter.TryAcquire(facts.Sender, message.Envelope.Mail?.ClientAddress, limits) is var verdict && verdict != UntrustedVerdict.Allowed)
            {
                var (limit, outcome) = verdict switch
                {
                    UntrustedVerdict.SenderLimited => ($"{facts.Sender} is over trust.untrusted.max_per_sender_per_hour", "rate_limited"),
                    UntrustedVerdict.ClientNetworkLimited => ($"its client network {ClientNetwork.Of(message.Envelope.Mail?.ClientAddress)} is over trust.untrusted.max_per_client_network_per_hour", "rate_limited_client"),
                    _ => ("untrusted pages are over trust.untrusted.max_per_hour", "rate_limited_global"),
                };
                untrusted.Add($"{match.Rule}: matched, but the message is not trusted and {limit}; not paged");
                metrics.Untrusted(outcome);
                Log.UntrustedRateLimited(logger, message.Id, Shown(Identity(facts)), facts.Sender, facts.Subject, match.Rule, authentication, limit);
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
                Event = PagerDutyEventBuilder.Build(facts, match, ruleSet.Version, resolve: message.Envelope.SupportCase?.Resolve == true),
                Unverified = !verified,
            }).ToArray(),
        };
    }

    /// <summary>Queues active messages nobody is working on (re-queued by an operator, left by an error, or deferred and due).</summary>
    private void Rescan()
    {
        try
        {
            // Names only: a backlog of thousands during an outage costs no file reads here.
            var now = time.GetTimestamp();
            var active = spool.Ids(SpoolArea.Active);
            foreach (var id in active)
            {
                if (_inHand.ContainsKey(id) || inbox.Contains(id) || (_deferred.TryGetValue(id, out var deferral) && now < deferral.RetryAt))
                {
                    continue;
                }

                if (spool.Open(SpoolArea.Active, id) is { } message)
                {
                    inbox.Enqueue(message);
                }
            }

            foreach (var gone in _deferred.Keys.Except(active, StringComparer.Ordinal).ToArray())
            {
                _deferred.TryRemove(gone, out _); // finished or removed by hand
            }
        }
        catch (IOException e)
        {
            Log.ScanFailed(logger, e.Message);
        }

        events.OnScanned();
    }

    /// <summary>What identifies the message in logs and state: its Message-ID, or a support case's id.</summary>
    private static string Identity(MessageFacts facts) => facts.Case is { } supportCase ? "case " + supportCase.CaseId : facts.MessageId;

    /// <summary>A Message-ID for log lines: "(none)" rather than a blank.</summary>
    private static string Shown(string? messageId) => string.IsNullOrEmpty(messageId) ? "(none)" : messageId;

    private void LogDelivery(SpooledMessage message, ProcessingState state, DeliveryRecord outcome)
    {
        var latency = time.GetUtcNow() - message.Envelope.ReceivedAt;
        latency = latency > TimeSpan.Zero ? latency : TimeSpan.Zero; // a clock stepped back
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

    /// <summary>A deferred verification: the first temporary failure and when to try again (<see cref="TimeProvider.GetTimestamp"/> values).</summary>
    private sealed record Deferral(long Since, long RetryAt);
}
