using System.Text.Encodings.Web;
using System.Text.Json;
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
/// exponential backoff and jitter (Polly), honouring <c>Retry-After</c> and the shared circuit breaker,
/// for as long as the message is younger than <see cref="PagerDutyOptions.MaxAge"/>. A 400 is final.
/// Each failed attempt is reported through the progress callback so that the spool records it; a
/// restart resumes with the same event and the same dedup key, so PagerDuty never opens two incidents
/// for one email.
/// </summary>
internal sealed class PagerDutyDelivery(
    PagerDutyClient client,
    PagerDutyCircuit circuit,
    RulesProvider rules,
    IOptions<PagerDutyOptions> options,
    MailGateMetrics metrics,
    TimeProvider time,
    ILogger<PagerDutyDelivery> logger) : IDisposable
{
    /// <summary>For the dry-run log line: the wire format, without escaping '+', '&lt;' or non-ASCII text.</summary>
    private static readonly JsonSerializerOptions Readable =
        new(PagerDutyJsonContext.Default.Options) { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    private readonly SemaphoreSlim _inFlight = new(options.Value.MaxConcurrentRequests);

    /// <summary>Called after each failed attempt with the updated record, before the backoff delay.</summary>
    public delegate ValueTask ProgressCallback(DeliveryRecord record, CancellationToken cancellationToken);

    /// <summary>Delivers <paramref name="record"/> and returns it in its final status (or throws when <paramref name="cancellationToken"/> fires).</summary>
    public async Task<DeliveryRecord> DeliverAsync(
        SpooledMessage message,
        DeliveryRecord record,
        ProgressCallback progress,
        CancellationToken cancellationToken)
    {
        if (!rules.Current.Routes.TryGetValue(record.Route, out var route))
        {
            return Final(record, DeliveryStatus.RouteMissing, $"route '{record.Route}' is no longer in the rules");
        }

        if (route.PagerDuty.IsDryRun)
        {
            var json = JsonSerializer.Serialize(record.Event, Readable);
            Log.DryRunEvent(logger, message.Id, record.Route, route.PagerDuty.MissingVariable ?? "", json);
            return Final(record, DeliveryStatus.DryRun, null);
        }

        var settings = options.Value;
        var deadline = record.Deadline(message.Envelope.ReceivedAt, settings.MaxAge);
        var remaining = deadline - time.GetUtcNow();
        if (remaining <= TimeSpan.Zero)
        {
            return Final(record, DeliveryStatus.Expired, Expired(settings, record.LastError));
        }

        using var expiry = new CancellationTokenSource(remaining, time);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, expiry.Token);
        var toSend = record.Event with { RoutingKey = route.PagerDuty.RoutingKey };
        var current = record;
        var attempts = record.Attempts;

        var retry = new ResiliencePipelineBuilder<SendResult> { TimeProvider = time }
            .AddRetry(new RetryStrategyOptions<SendResult>
            {
                ShouldHandle = args => ValueTask.FromResult(
                    args.Outcome.Exception is BrokenCircuitException || PagerDutyCircuit.IsFailure(args.Outcome, linked.Token)),
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
                    var error = Redact(args.Outcome.Result is { } result
                        ? $"HTTP {result.StatusCode}: {result.Detail}"
                        : $"{args.Outcome.Exception!.GetType().Name}: {args.Outcome.Exception.Message}", route.PagerDuty.RoutingKey);
                    current = current with { Attempts = attempts, LastError = error, LastAttemptAt = time.GetUtcNow() };
                    if (args.Outcome.Exception is not BrokenCircuitException)
                    {
                        Log.DeliveryRetry(logger, message.Id, record.Route, attempts, error, args.RetryDelay);
                    }

                    metrics.RetryScheduled();
                    await progress(current, linked.Token).ConfigureAwait(false);
                },
            })
            .Build();

        SendResult answer;
        try
        {
            answer = await retry.ExecuteAsync(
                token => circuit.Pipeline.ExecuteAsync(
                    async inner =>
                    {
                        await _inFlight.WaitAsync(inner).ConfigureAwait(false);
                        try
                        {
                            attempts++;
                            var result = await client.SendAsync(settings.EventsUrl, toSend, inner).ConfigureAwait(false);
                            metrics.Attempted(result.StatusCode);
                            return result;
                        }
                        catch (Exception e) when (e is HttpRequestException or OperationCanceledException)
                        {
                            metrics.Attempted(0);
                            throw;
                        }
                        finally
                        {
                            _inFlight.Release();
                        }
                    },
                    token),
                linked.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (expiry.IsCancellationRequested && !cancellationToken.IsCancellationRequested)
        {
            return Final(current with { Attempts = attempts }, DeliveryStatus.Expired, Expired(settings, current.LastError));
        }

        current = current with { Attempts = attempts, LastAttemptAt = time.GetUtcNow() };
        return answer.IsAccepted
            ? Final(current with { LastError = null }, DeliveryStatus.Delivered, null)
            : Final(current, DeliveryStatus.Rejected, Redact($"HTTP {answer.StatusCode}: {answer.Detail}", route.PagerDuty.RoutingKey));
    }

    public void Dispose() => _inFlight.Dispose();

    private static string Expired(PagerDutyOptions settings, string? lastError) =>
        $"not accepted within PagerDuty:MaxAge ({settings.MaxAge}); last error: {lastError}";

    /// <summary>PagerDuty may quote the routing key in an error; it must reach neither logs nor the spool.</summary>
    private static string Redact(string text, string? routingKey) =>
        SecretRedactor.Redact(text, [routingKey], PagerDutyClient.RoutingKeyPlaceholder);

    private DeliveryRecord Final(DeliveryRecord record, DeliveryStatus status, string? error)
    {
        metrics.DeliveryFinished(status);
        return record with { Status = status, LastError = error ?? record.LastError, CompletedAt = time.GetUtcNow() };
    }
}
