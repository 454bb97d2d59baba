using System.Text.Encodings.Web;
using System.Text.Json;
using MailGate.Observability;
using MailGate.Rules;
using MailGate.Spool;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Polly;
using Polly.Retry;

namespace MailGate.Deliver;

/// <summary>
/// Delivers one stored event to PagerDuty until PagerDuty has it: retries no-answer, 429 and 5xx with
/// exponential backoff and jitter (Polly), honouring <c>Retry-After</c>, for as long as the message is
/// younger than <see cref="PagerDutyOptions.MaxAge"/>. A 400 is final. Each failed attempt is reported
/// through the progress callback so that the spool records it; a restart resumes with the same event
/// and the same dedup key, so PagerDuty never opens two incidents for one email.
/// </summary>
internal sealed class PagerDutyDelivery(
    PagerDutyClient client,
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
        var remaining = message.Envelope.ReceivedAt + settings.MaxAge - time.GetUtcNow();
        if (remaining <= TimeSpan.Zero)
        {
            return Final(record, DeliveryStatus.Expired, $"not accepted within PagerDuty:MaxAge ({settings.MaxAge}); last error: {record.LastError}");
        }

        using var expiry = new CancellationTokenSource(remaining, time);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, expiry.Token);
        var toSend = record.Event with { RoutingKey = route.PagerDuty.RoutingKey };
        var current = record;

        var pipeline = new ResiliencePipelineBuilder<SendResult> { TimeProvider = time }
            .AddRetry(new RetryStrategyOptions<SendResult>
            {
                ShouldHandle = args => ValueTask.FromResult(args.Outcome switch
                {
                    { Result: { } result } => result.IsTransient,
                    { Exception: HttpRequestException } => true,
                    { Exception: OperationCanceledException } => !linked.IsCancellationRequested, // the request timed out
                    _ => false,
                }),
                MaxRetryAttempts = int.MaxValue,
                BackoffType = DelayBackoffType.Exponential,
                UseJitter = true,
                Delay = settings.RetryBaseDelay,
                MaxDelay = settings.RetryMaxDelay,
                DelayGenerator = args => ValueTask.FromResult(args.Outcome.Result?.RetryAfter),
                OnRetry = async args =>
                {
                    var error = Redact(args.Outcome.Result is { } result
                        ? $"HTTP {result.StatusCode}: {result.Detail}"
                        : $"{args.Outcome.Exception!.GetType().Name}: {args.Outcome.Exception.Message}", route.PagerDuty.RoutingKey);
                    current = current with { Attempts = current.Attempts + 1, LastError = error, LastAttemptAt = time.GetUtcNow() };
                    Log.DeliveryRetry(logger, message.Id, record.Route, current.Attempts, error, args.RetryDelay);
                    metrics.RetryScheduled();
                    await progress(current, linked.Token).ConfigureAwait(false);
                },
            })
            .Build();

        SendResult answer;
        try
        {
            answer = await pipeline.ExecuteAsync(
                async token =>
                {
                    await _inFlight.WaitAsync(token).ConfigureAwait(false);
                    try
                    {
                        var result = await client.SendAsync(settings.EventsUrl, toSend, token).ConfigureAwait(false);
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
                linked.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (expiry.IsCancellationRequested && !cancellationToken.IsCancellationRequested)
        {
            return Final(current, DeliveryStatus.Expired, $"not accepted within PagerDuty:MaxAge ({settings.MaxAge}); last error: {current.LastError}");
        }

        current = current with { Attempts = current.Attempts + 1, LastAttemptAt = time.GetUtcNow() };
        return answer.IsAccepted
            ? Final(current with { LastError = null }, DeliveryStatus.Delivered, null)
            : Final(current, DeliveryStatus.Rejected, Redact($"HTTP {answer.StatusCode}: {answer.Detail}", route.PagerDuty.RoutingKey));
    }

    public void Dispose() => _inFlight.Dispose();

    /// <summary>PagerDuty may quote the routing key in an error; it must reach neither logs nor the spool.</summary>
    private static string Redact(string text, string? routingKey) =>
        string.IsNullOrEmpty(routingKey) ? text : text.Replace(routingKey, "[routing key]", StringComparison.Ordinal);

    private DeliveryRecord Final(DeliveryRecord record, DeliveryStatus status, string? error)
    {
        metrics.DeliveryFinished(status);
        return record with { Status = status, LastError = error ?? record.LastError, CompletedAt = time.GetUtcNow() };
    }
}
