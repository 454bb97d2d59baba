using System.Globalization;
using Microsoft.Extensions.Logging;
using Polly;
using Polly.Retry;

namespace MailGate.Poll.Aws;

/// <summary>
/// Runs one AWS call with retries (Polly, exponential backoff with jitter, on the injected
/// <see cref="TimeProvider"/>): at most <see cref="AwsOptions.MaxAttempts"/> tries, retrying only
/// failures of that same call that <see cref="AwsErrors.IsRetryable"/> accepts.
/// </summary>
internal static class AwsRetry
{
    /// <summary>
    /// Runs <paramref name="attempt"/>, which reports every failure as an <see cref="AwsException"/>.
    /// Throws the last one, with the number of attempts made, when retrying stops.
    /// </summary>
    public static async Task<T> ExecuteAsync<T>(
        AwsOptions options,
        TimeProvider time,
        ILogger logger,
        AwsOperation operation,
        string? accountId,
        Func<CancellationToken, Task<T>> attempt,
        CancellationToken cancellationToken)
    {
        var attempts = 0;
        var pipeline = options.MaxAttempts <= 1
            ? ResiliencePipeline.Empty
            : new ResiliencePipelineBuilder { TimeProvider = time }
                .AddRetry(new RetryStrategyOptions
                {
                    ShouldHandle = args => ValueTask.FromResult(
                        args.Outcome.Exception is AwsException e && e.Operation == operation && AwsErrors.IsRetryable(e.ErrorCode, e.StatusCode)),
                    MaxRetryAttempts = options.MaxAttempts - 1,
                    BackoffType = DelayBackoffType.Exponential,
                    UseJitter = true,
                    Delay = options.RetryBaseDelay,
                    MaxDelay = options.RetryMaxDelay,
                    OnRetry = args =>
                    {
                        var e = (AwsException)args.Outcome.Exception!;
                        var status = e.StatusCode is { } code ? string.Create(CultureInfo.InvariantCulture, $", HTTP {code}") : "";
                        AwsLog.Retrying(logger, operation, accountId is null ? "with the base credentials" : $"for account {accountId}",
                            e.ErrorCode, status, args.AttemptNumber + 1, e.AwsMessage ?? "", args.RetryDelay);
                        return ValueTask.CompletedTask;
                    },
                })
                .Build();
        try
        {
            return await pipeline.ExecuteAsync(
                async token =>
                {
                    attempts++;
                    return await attempt(token).ConfigureAwait(false);
                },
                cancellationToken).ConfigureAwait(false);
        }
        catch (AwsException e) when (e.Operation == operation && attempts > 1)
        {
            throw new AwsException(e.Operation, e.AccountId, e.ErrorCode, e.StatusCode, e.AwsMessage, attempts, e.InnerException);
        }
    }

    /// <summary>
    /// The <see cref="AwsException"/> for a request that got no answer: <c>Timeout</c> when it timed
    /// out, <c>NetworkError</c> otherwise; both are retried. <see langword="null"/> when
    /// <paramref name="cancellationToken"/> fired: that is the caller giving up, not a failure.
    /// </summary>
    public static AwsException? NoAnswer(Exception e, AwsOperation operation, string? accountId, CancellationToken cancellationToken) => e switch
    {
        OperationCanceledException when cancellationToken.IsCancellationRequested => null,
        OperationCanceledException => new AwsException(operation, accountId, "Timeout", null, "no answer within Aws:RequestTimeout", innerException: e),
        HttpRequestException or IOException => new AwsException(operation, accountId, "NetworkError", null, e.Message, innerException: e),
        _ => null,
    };
}
