using System.Diagnostics.Metrics;
using MailGate.Deliver;
using MailGate.Http;
using MailGate.Observability;
using MailGate.Outbound;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace MailGate.Heartbeat;

/// <summary>
/// The heartbeat out (issue #15): every <c>Heartbeat:Interval</c>, requests <c>Heartbeat:Url</c>, but only while the
/// gateway is healthy: <see cref="Readiness"/> finds no problem (SMTP listening, storage writable and locked, disk
/// room, rules loaded, not stopping) and the PagerDuty circuit breaker is not open (closed or half-open). A
/// dead-man's-switch monitor pages when the requests stop. Follows the outbound HTTP rules: no redirects (a
/// <c>3xx</c> is a failure), at most <see cref="MaxBody"/> bytes of an answer read, and the URL's path and query
/// (the monitor's secret) never logged: the log names only its scheme and host. Pauses, resumptions and request
/// failures are logged once per change.
/// </summary>
internal sealed class HeartbeatSender(
    HttpClient http,
    Readiness readiness,
    PagerDutyCircuit circuit,
    HeartbeatMetrics metrics,
    IOptions<HeartbeatOptions> options,
    TimeProvider time,
    ILogger<HeartbeatSender> logger) : BackgroundService
{
    /// <summary>The most bytes of a monitor's answer read (for the failure's log line).</summary>
    public const int MaxBody = 1024;

    private bool? _healthy;
    private string? _failure;

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        await Task.Yield(); // never hold up the host's start
        var settings = options.Value;
        if (settings.Url is not { } url)
        {
            return;
        }

        Log.HeartbeatStarted(logger, settings.Method, Target(url), settings.Interval);
        using var timer = new PeriodicTimer(settings.Interval, time);
        try
        {
            // The first request one interval after start: the listeners are up by then, and a monitor's grace covers it.
            while (await timer.WaitForNextTickAsync(stoppingToken).ConfigureAwait(false))
            {
                await BeatAsync(url, settings, stoppingToken).ConfigureAwait(false);
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // Stopping: the monitor notices the silence, as it should.
        }
    }

    /// <summary>One interval: the health check, then (when healthy) the request.</summary>
    internal async Task BeatAsync(Uri url, HeartbeatOptions settings, CancellationToken cancellationToken)
    {
        var problems = Problems();
        var healthy = problems.Count == 0;
        if (healthy != _healthy)
        {
            if (!healthy)
            {
                Log.HeartbeatPaused(logger, string.Join("; ", problems));
            }
            else if (_healthy == false)
            {
                Log.HeartbeatResumed(logger);
            }

            _healthy = healthy;
        }

        if (!healthy)
        {
            metrics.Request("skipped");
            return;
        }

        var failure = await RequestAsync(url, settings, cancellationToken).ConfigureAwait(false);
        metrics.Request(failure is null ? "ok" : "failed");
        if (failure is not null && failure != _failure)
        {
            Log.HeartbeatFailed(logger, Target(url), failure);
        }
        else if (failure is null && _failure is not null)
        {
            Log.HeartbeatRecovered(logger, Target(url));
        }

        _failure = failure;
    }

    private List<string> Problems()
    {
        var problems = readiness.Check().Problems.ToList();
        if (circuit.IsOpen)
        {
            problems.Add("pagerduty: the circuit breaker is open");
        }

        return problems;
    }

    /// <summary>Null when the monitor answered 2xx; else why not (redacted).</summary>
    private async Task<string?> RequestAsync(Uri url, HeartbeatOptions settings, CancellationToken cancellationToken)
    {
        try
        {
            using var request = new HttpRequestMessage(settings.Method == "POST" ? HttpMethod.Post : HttpMethod.Get, url);
            if (request.Method == HttpMethod.Post)
            {
                request.Content = new ByteArrayContent([]);
            }

            using var response = await http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, cancellationToken).ConfigureAwait(false);
            var status = (int)response.StatusCode;
            if (OutboundHttp.IsRedirect(status))
            {
                return $"{status} redirect to {OutboundHttp.RedirectTarget(response)} (not followed)";
            }

            if (response.IsSuccessStatusCode)
            {
                return null;
            }

            var (body, truncated) = await BoundedBody.ReadAsync(response.Content, MaxBody, cancellationToken).ConfigureAwait(false);
            return Redact(url, $"{status} {body.Trim()}{(truncated ? "…" : "")}");
        }
        catch (Exception e) when (e is HttpRequestException or IOException || (e is OperationCanceledException && !cancellationToken.IsCancellationRequested))
        {
            return Redact(url, e is OperationCanceledException ? $"no answer within {settings.Timeout}" : e.Message);
        }
    }

    /// <summary>The URL as logs show it: scheme, host and port only.</summary>
    internal static string Target(Uri url) => url.GetLeftPart(UriPartial.Authority);

    /// <summary><paramref name="text"/> without the URL's secret parts (the whole URL, its path and query, each long path segment or query value).</summary>
    internal static string Redact(Uri url, string text)
    {
        var parts = url.AbsolutePath.Split('/', StringSplitOptions.RemoveEmptyEntries)
            .Concat(url.Query.TrimStart('?').Split('&', '='))
            .Prepend(url.PathAndQuery)
            .Prepend(url.OriginalString)
            .Prepend(url.AbsoluteUri);
        return SecretRedactor.Redact(text, parts, "[redacted]");
    }
}

/// <summary>The heartbeat's counter <c>mailgate.heartbeat.requests{result}</c> (ok, failed, skipped: not healthy).</summary>
internal sealed class HeartbeatMetrics : IMetricsSource
{
    private Counter<long>? _requests;

    /// <inheritdoc/>
    public void Register(Meter meter)
    {
        ArgumentNullException.ThrowIfNull(meter);
        _requests = meter.CreateCounter<long>("mailgate.heartbeat.requests", "{request}", "Heartbeat intervals by result: ok (the monitor answered 2xx), failed, skipped (the gateway was not healthy)");
    }

    /// <summary>Counts one interval.</summary>
    public void Request(string result) => _requests?.Add(1, new KeyValuePair<string, object?>("result", result));
}
