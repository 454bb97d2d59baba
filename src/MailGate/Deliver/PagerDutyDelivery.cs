using MailGate.Core.Messages;
using MailGate.Core.Deliver;
using MailGate.Core.Rules;
using MailGate.Core.Storage;
using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Serialization.Metadata;
using MailGate.Observability;
using MailGate.Outbound;
using MailGate.Rules;
using MailGate.Spool;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Polly;
using Polly.CircuitBreaker;
using Polly.Retry;

namespace MailGate.Deliver;

/// <summary>
/// Delivers one stored event to PagerDuty until PagerDuty has it: retries no-answer, 429 and 5xx with
/// exponential backoff and jitter (Polly), honouring <c>Retry-After</c> and the circuit breaker, until
/// the event is older than <see cref="PagerDutyOptions.MaxAge"/> (see <see cref="DeliveryClock"/> for
/// how age is measured and when an event may expire). A 400 is final. Each failed attempt is reported
/// through the progress callback so that the spool records it; a restart resumes with the same event
/// and the same dedup key, so PagerDuty never opens two incidents for one email.
/// </summary>
/// <remarks>
/// <para>Every attempt looks its route up in the rules in force: a route removed from the rules ends the
/// delivery as <see cref="DeliveryStatus.RouteMissing"/> (dead-lettered; <c>mailgate spool retry</c>
/// sends it once the route is back), a changed routing key is used from the next attempt on, and a route
/// whose key is no longer set ends it as <see cref="DeliveryStatus.DryRun"/> (the event is logged).</para>
/// <para>Untrusted events (<see cref="DeliveryRecord.TravelsUnverified"/>: custom detail <c>trusted: false</c>, or
/// any event of mail the trust policy does not trust) never hold up trusted ones: they have
/// their own circuit breaker, so their failures (a 429 they provoked) never pause trusted sending, and
/// one request slot of their own, outside <see cref="PagerDutyOptions.MaxConcurrentRequests"/>.</para>
/// </remarks>
internal sealed class PagerDutyDelivery(
    PagerDutyClient client,
    PagerDutyCircuit circuit,
    DeliveryLedgerGate ledger,
    RulesProvider rules,
    IOptions<PagerDutyOptions> options,
    MailGateMetrics metrics,
    TimeProvider time,
    ILogger<PagerDutyDelivery> logger,
    ILogger<PagerDutyCircuit> circuitLogger) : IDisposable
{
    /// <summary>For the dry-run log line: the wire format, without escaping '+', '&lt;' or non-ASCII text.</summary>
    private static readonly JsonSerializerOptions Readable =
        new(PagerDutyJsonContext.Default.Options) { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    private readonly SemaphoreSlim _inFlight = new(options.Value.MaxConcurrentRequests);
    private readonly SemaphoreSlim _untrustedInFlight = new(1);
    private readonly PagerDutyCircuit _untrustedCircuit = UntrustedBreaker(options, time, circuitLogger, metrics);

    /// <summary>Called after each failed attempt with the updated record, before the backoff delay.</summary>
    public delegate ValueTask ProgressCallback(DeliveryRecord record, CancellationToken cancellationToken);

    /// <summary>
    /// Asked right before each request is sent: true when this gateway still holds the message's claim (renewed by the
    /// call, so that no other replica can take it over while the request is in flight); false when the storage cannot
    /// confirm it now (unreachable: nothing is sent, the attempt counts as a transient failure and is retried after the
    /// backoff). When the claim was lost the callee drops the message, which cancels the delivery.
    /// </summary>
    public delegate bool ClaimCheck();

    /// <summary>The circuit breaker of untrusted events (the trusted one is the registered <see cref="PagerDutyCircuit"/>).</summary>
    public PagerDutyCircuit UntrustedCircuit => _untrustedCircuit;

    /// <summary>
    /// Delivers <paramref name="record"/> and returns it in its final status (or throws when <paramref name="cancellationToken"/> fires);
    /// returns it still <see cref="DeliveryStatus.Pending"/>, unsent, when another unfinished copy of the same email holds its
    /// delivery-ledger key (<see cref="DeliveryLedgerGate"/>): the caller tries again later; returns it
    /// <see cref="DeliveryStatus.Delivered"/>, unsent, when the ledger already records PagerDuty's acceptance of this message's trigger.
    /// </summary>
    /// <param name="message">The message the event is for.</param>
    /// <param name="record">The delivery, as the spool has it.</param>
    /// <param name="clock">When this process took the message up: the event's age is measured from there.</param>
    /// <param name="progress">Called after each failed attempt.</param>
    /// <param name="cancellationToken">Stops delivering (shutdown; the claim lost).</param>
    /// <param name="claim">Confirms the message's claim before each request (<see cref="ClaimCheck"/>); null: always held (one owner).</param>
    public async Task<DeliveryRecord> DeliverAsync(
        StoredMessage message,
        DeliveryRecord record,
        DeliveryClock clock,
        ProgressCallback progress,
        CancellationToken cancellationToken,
        ClaimCheck? claim = null)
    {
        ArgumentNullException.ThrowIfNull(message);
        ArgumentNullException.ThrowIfNull(record);
        if (Route(record) is not { } first)
        {
            return Gone(message, record, record);
        }

        // One trigger per email (the delivery ledger); dry-run routes do not record.
        switch (first.PagerDuty.IsDryRun ? null : ledger.Reserve(message, record))
        {
            case { Verdict: LedgerVerdict.Held }:
                return record; // still pending: another copy of the email is being delivered; the caller asks again later
            case { Verdict: LedgerVerdict.Accepted } duplicate:
                return Final(record with { DuplicateOf = duplicate.HolderId }, DeliveryStatus.Duplicate, null);
            case { Verdict: LedgerVerdict.Reserved, AcceptedAt: { } acceptedAt }:
                // This very message's trigger was accepted (the ledger has PagerDuty's 202) but its state says pending:
                // the state write after the 202 was lost (a replica killed, a database crash). Never sent again.
                return Final(record, DeliveryStatus.Delivered, null) with { CompletedAt = acceptedAt };
        }

        var outcome = await SendAsync(message, record, first, clock, progress, claim, cancellationToken).ConfigureAwait(false);
        ledger.Settled(message, outcome);
        return outcome;
    }

    private async Task<DeliveryRecord> SendAsync(
        StoredMessage message,
        DeliveryRecord record,
        MailGate.Core.Rules.Route first,
        DeliveryClock clock,
        ProgressCallback progress,
        ClaimCheck? claim,
        CancellationToken cancellationToken)
    {
        var settings = options.Value;
        var untrusted = record.TravelsUnverified();
        var breaker = untrusted ? _untrustedCircuit : circuit;
        var slots = untrusted ? _untrustedInFlight : _inFlight;
        var origin = record.AgeOrigin(message.Envelope.ReceivedAt);
        var current = record;
        var attempts = record.Attempts;
        var routingKey = first.PagerDuty.RoutingKey;
        var routeGone = false;
        var expired = false;

        var retry = new ResiliencePipelineBuilder<SendResult> { TimeProvider = time }
            .AddRetry(new RetryStrategyOptions<SendResult>
            {
                ShouldHandle = args =>
                {
                    if (routeGone || !(args.Outcome.Exception is BrokenCircuitException || PagerDutyCircuit.IsFailure(args.Outcome, args.Context.CancellationToken)))
                    {
                        return ValueTask.FromResult(false);
                    }

                    expired = clock.IsExpired(time, origin, settings, attemptsHere: attempts - record.Attempts);
                    return ValueTask.FromResult(!expired);
                },
                MaxRetryAttempts = int.MaxValue,
                BackoffType = DelayBackoffType.Exponential,
                UseJitter = true,
                Delay = settings.RetryBaseDelay,
                MaxDelay = settings.RetryMaxDelay,
                DelayGenerator = args => ValueTask.FromResult(args.Outcome.Exception is BrokenCircuitException broken
                    ? broken.RetryAfter
                    : args.Outcome.Result?.RetryAfter),
                OnRetry = async args =>
                {
                    var error = Describe(args.Outcome, routingKey);
                    current = current with { Attempts = attempts, LastError = error, LastAttemptAt = time.GetUtcNow() };
                    if (args.Outcome.Exception is not BrokenCircuitException)
                    {
                        Log.DeliveryRetry(logger, message.Id, record.Route, attempts, error, args.RetryDelay);
                    }

                    metrics.RetryScheduled();
                    await progress(current, args.Context.CancellationToken).ConfigureAwait(false);
                },
            })
            .Build();

        Outcome<SendResult> outcome;
        try
        {
            var answer = await retry.ExecuteAsync(
                async token =>
                {
                    // Each attempt sends with the route as the rules have it now.
                    if (Route(record) is not { } route || route.PagerDuty.IsDryRun)
                    {
                        routeGone = true;
                        return new SendResult(0, "the route changed");
                    }

                    // A request slot first, then the claim: a long wait for a slot must not come between the check
                    // and the send (the lease could run out and be taken over meanwhile).
                    await slots.WaitAsync(token).ConfigureAwait(false);
                    try
                    {
                        // Fenced: a replica cut off from the database (whose lease may have run out and been taken over)
                        // sends nothing it could not record, and after the outage only the claim's holder sends.
                        if (claim is not null && !claim())
                        {
                            token.ThrowIfCancellationRequested();
                            return new SendResult(0, "not sent: the claim on the message cannot be confirmed (the storage is unreachable)");
                        }

                        routingKey = route.PagerDuty.RoutingKey;
                        var toSend = record.Event with { RoutingKey = routingKey };
                        return await breaker.Pipeline.ExecuteAsync(
                            inner =>
                            {
                                attempts++; // only requests really sent: the open breaker refuses before this
                                return SendOnceAsync(toSend, inner);
                            },
                            token).ConfigureAwait(false);
                    }
                    finally
                    {
                        slots.Release();
                    }
                },
                cancellationToken).ConfigureAwait(false);
            outcome = Outcome.FromResult(answer);
        }
        catch (Exception e) when (!cancellationToken.IsCancellationRequested && (expired || routeGone) && e is HttpRequestException or OperationCanceledException or BrokenCircuitException)
        {
            outcome = Outcome.FromException<SendResult>(e);
        }

        current = current with { Attempts = attempts };
        if (routeGone)
        {
            return Gone(message, record, current);
        }

        current = current with { LastAttemptAt = time.GetUtcNow() };
        if (expired)
        {
            var lastError = Describe(outcome, routingKey);
            return Final(current, DeliveryStatus.Expired, $"not accepted within PagerDuty:MaxAge ({settings.MaxAge}); last error: {lastError}");
        }

        var result = outcome.Result!;
        return result.IsAccepted
            ? Final(current with { LastError = null }, DeliveryStatus.Delivered, null)
            : Final(current, DeliveryStatus.Rejected, Redact($"HTTP {result.StatusCode}: {result.Detail}", routingKey));
    }

    public void Dispose()
    {
        _inFlight.Dispose();
        _untrustedInFlight.Dispose();
    }

    private static PagerDutyCircuit UntrustedBreaker(IOptions<PagerDutyOptions> options, TimeProvider time, ILogger<PagerDutyCircuit> logger, MailGateMetrics metrics)
    {
        var breaker = new PagerDutyCircuit(options, time, logger, untrusted: true);
        breaker.Opened += (_, _) => metrics.UntrustedCircuitOpened();
        return breaker;
    }

    private async ValueTask<SendResult> SendOnceAsync(PagerDutyEvent toSend, CancellationToken cancellationToken)
    {
        try
        {
            var result = await client.SendAsync(options.Value.EventsUrl, toSend, cancellationToken).ConfigureAwait(false);
            metrics.Attempted(result.StatusCode);
            return result;
        }
        catch (Exception e) when (e is HttpRequestException or OperationCanceledException)
        {
            metrics.Attempted(0);
            throw;
        }
    }

    /// <summary>The record's route as the rules have it now; null when it was removed.</summary>
    private MailGate.Core.Rules.Route? Route(DeliveryRecord record) =>
        rules.Current.Routes.TryGetValue(record.Route, out var route) ? route : null;

    /// <summary>The final record when the route is no longer usable: removed (RouteMissing) or without a routing key (DryRun, the event logged).</summary>
    private DeliveryRecord Gone(StoredMessage message, DeliveryRecord record, DeliveryRecord current)
    {
        if (Route(record) is { PagerDuty.IsDryRun: true } route)
        {
            var json = JsonSerializer.Serialize(record.Event, (JsonTypeInfo<PagerDutyEvent>)Readable.GetTypeInfo(typeof(PagerDutyEvent)));
            Log.DryRunEvent(logger, message.Id, record.Route, route.PagerDuty.MissingVariable ?? "", json);
            return Final(current, DeliveryStatus.DryRun, null);
        }

        return Final(current, DeliveryStatus.RouteMissing, $"route '{record.Route}' is no longer in the rules; 'mailgate spool retry' sends it once the route is back");
    }

    private static string Describe(Outcome<SendResult> outcome, string? routingKey) => Redact(outcome.Result is { } result
        ? $"HTTP {result.StatusCode}: {result.Detail}"
        : $"{outcome.Exception!.GetType().Name}: {outcome.Exception.Message}", routingKey);

    /// <summary>PagerDuty may quote the routing key in an error; it must reach neither logs nor the spool.</summary>
    private static string Redact(string text, string? routingKey) =>
        SecretRedactor.Redact(text, [routingKey], PagerDutyClient.RoutingKeyPlaceholder);

    private DeliveryRecord Final(DeliveryRecord record, DeliveryStatus status, string? error)
    {
        metrics.DeliveryFinished(status);
        return record with { Status = status, LastError = error ?? record.LastError, CompletedAt = time.GetUtcNow() };
    }
}
