using MailGate.Core.Deliver;
using System.Net.Http.Headers;
using System.Text.Json;
using MailGate.Outbound;
using Microsoft.Extensions.Options;

namespace MailGate.Deliver;

/// <summary>
/// POSTs one event to the Events API v2 and classifies the answer; never retries by itself.
/// </summary>
/// <remarks>
/// <para>The event carries the routing key, so the request goes to <see cref="PagerDutyOptions.EventsUrl"/>
/// and nowhere else: redirects are never followed (the <see cref="HttpClient"/> is built on
/// <see cref="OutboundHttp.CreateHandler"/>) and a <c>3xx</c> is a failure, retried like a <c>5xx</c>.</para>
/// <para>Only the status line decides success: a <c>202</c>'s body is not read. Of any other answer at most
/// <see cref="MaxResponseBytes"/> are read, for the error text, which never contains the routing key
/// (<see cref="SecretRedactor"/>). <c>Retry-After</c> (seconds or an HTTP date) is bounded by
/// <see cref="PagerDutyOptions.RetryMaxDelay"/>. Waiting for the answer, and then reading its body, are
/// each bounded by <see cref="PagerDutyOptions.RequestTimeout"/>.</para>
/// </remarks>
public sealed class PagerDutyClient(HttpClient http, IOptions<PagerDutyOptions> options, TimeProvider time)
{
    /// <summary>The most bytes of a response body read (PagerDuty's error answers are well under 1 KiB).</summary>
    public const int MaxResponseBytes = 64 * 1024;

    /// <summary>What stands in an error text where PagerDuty quoted the routing key.</summary>
    public const string RoutingKeyPlaceholder = "[routing key]";

    private const int MaxDetail = 1024;

    /// <summary>Sends <paramref name="event"/> once.</summary>
    /// <exception cref="HttpRequestException">No HTTP answer (refused, reset, DNS).</exception>
    /// <exception cref="OperationCanceledException">The request timed out or <paramref name="cancellationToken"/> fired.</exception>
    public async Task<SendResult> SendAsync(Uri url, PagerDutyEvent @event, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(@event);
        var settings = options.Value;

        // Serialized up front so the request carries a Content-Length: some proxies refuse chunked bodies.
        using var request = new HttpRequestMessage(HttpMethod.Post, url)
        {
            Content = new ByteArrayContent(JsonSerializer.SerializeToUtf8Bytes(@event, PagerDutyJsonContext.Default.PagerDutyEvent)),
        };
        request.Content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
        // HttpClient.Timeout (PagerDuty:RequestTimeout) bounds the wait for the status line and headers.
        using var response = await http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, cancellationToken).ConfigureAwait(false);
        var status = (int)response.StatusCode;
        if (status == 202)
        {
            return new SendResult(status, "accepted");
        }

        if (OutboundHttp.IsRedirect(status))
        {
            return new SendResult(status, $"redirect to {OutboundHttp.RedirectTarget(response)} not followed: events are only sent to PagerDuty:EventsUrl", RetryAfter(response, settings.RetryMaxDelay));
        }

        var body = await ReadBodyAsync(response.Content, settings.RequestTimeout, cancellationToken).ConfigureAwait(false);
        return new SendResult(status, Describe(SecretRedactor.Redact(body, [@event.RoutingKey], RoutingKeyPlaceholder), @event.RoutingKey), RetryAfter(response, settings.RetryMaxDelay));
    }

    /// <summary>
    /// The delay <c>Retry-After</c> asks for, at most <paramref name="max"/>; an HTTP date counts from the
    /// answer's <c>Date</c>, else from now. Null (the usual exponential backoff) when there is none or it asks
    /// for no wait at all (<c>0</c>, a date in the past): retrying at once, again and again, would be a request loop.
    /// </summary>
    private TimeSpan? RetryAfter(HttpResponseMessage response, TimeSpan max)
    {
        var header = response.Headers.RetryAfter;
        TimeSpan? delay = header?.Delta ?? (header?.Date is { } date ? date - (response.Headers.Date ?? time.GetUtcNow()) : null);
        return delay is { } value && value > TimeSpan.Zero ? TimeSpan.FromTicks(Math.Min(value.Ticks, max.Ticks)) : null;
    }

    /// <summary>The start of the body, for the error text; a failure to read it is described, not thrown (the status decides).</summary>
    private static async Task<string> ReadBodyAsync(HttpContent content, TimeSpan timeout, CancellationToken caller)
    {
        // A network timeout, on real time like HttpClient.Timeout: a server that trickles its body stops here.
        using var limit = CancellationTokenSource.CreateLinkedTokenSource(caller);
        limit.CancelAfter(timeout);
        try
        {
            var (text, truncated) = await BoundedBody.ReadAsync(content, MaxResponseBytes, limit.Token).ConfigureAwait(false);
            return truncated ? text + $" (body cut at {MaxResponseBytes} bytes)" : text;
        }
        catch (Exception e) when (e is HttpRequestException or IOException || (e is OperationCanceledException && !caller.IsCancellationRequested))
        {
            return $"(body not read: {e.GetType().Name})";
        }
    }

    /// <summary>PagerDuty's <c>message</c> and <c>errors</c> when the body is its JSON, else the body itself; bounded, key redacted.</summary>
    private static string Describe(string body, string? routingKey)
    {
        string text;
        try
        {
            using var json = JsonDocument.Parse(body);
            var root = json.RootElement;
            var parts = new List<string>();
            if (root.ValueKind == JsonValueKind.Object && root.TryGetProperty("message", out var message) && message.ValueKind == JsonValueKind.String)
            {
                parts.Add(message.GetString()!);
            }

            if (root.ValueKind == JsonValueKind.Object && root.TryGetProperty("errors", out var errors) && errors.ValueKind == JsonValueKind.Array)
            {
                parts.AddRange(errors.EnumerateArray().Select(e => e.ValueKind == JsonValueKind.String ? e.GetString()! : e.GetRawText()));
            }

            text = parts.Count > 0 ? string.Join("; ", parts) : body;
        }
        catch (JsonException)
        {
            text = body;
        }

        // Once more after JSON decoding: escapes the raw text hid are plain characters now.
        return PagerDutyEventBuilder.Truncate(SecretRedactor.Redact(text, [routingKey], RoutingKeyPlaceholder).Trim(), MaxDetail);
    }
}
