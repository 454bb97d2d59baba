using System.Net.Http.Headers;
using System.Text.Json;

namespace MailGate.Deliver;

/// <summary>POSTs one event to the Events API v2 and classifies the answer; never retries by itself.</summary>
public sealed class PagerDutyClient(HttpClient http)
{
    private const int MaxDetail = 1024;

    /// <summary>Sends <paramref name="event"/> once.</summary>
    /// <exception cref="HttpRequestException">No HTTP answer (refused, reset, DNS).</exception>
    /// <exception cref="OperationCanceledException">The request timed out or <paramref name="cancellationToken"/> fired.</exception>
    public async Task<SendResult> SendAsync(Uri url, PagerDutyEvent @event, CancellationToken cancellationToken)
    {
        // Serialized up front so the request carries a Content-Length: some proxies refuse chunked bodies.
        using var content = new ByteArrayContent(JsonSerializer.SerializeToUtf8Bytes(@event, PagerDutyJsonContext.Default.PagerDutyEvent));
        content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
        using var response = await http.PostAsync(url, content, cancellationToken).ConfigureAwait(false);
        var body = await response.Content.ReadAsStringAsync(cancellationToken).ConfigureAwait(false);
        return new SendResult((int)response.StatusCode, Describe(body), RetryAfter(response));
    }

    private static TimeSpan? RetryAfter(HttpResponseMessage response)
    {
        var header = response.Headers.RetryAfter;
        if (header?.Delta is { } delta)
        {
            return delta;
        }

        return header?.Date is { } date && response.Headers.Date is { } now ? date - now : null;
    }

    /// <summary>PagerDuty's <c>message</c> and <c>errors</c> when the body is its JSON, else the body itself; bounded.</summary>
    private static string Describe(string body)
    {
        try
        {
            using var json = JsonDocument.Parse(body);
            var root = json.RootElement;
            var parts = new List<string>();
            if (root.TryGetProperty("message", out var message) && message.ValueKind == JsonValueKind.String)
            {
                parts.Add(message.GetString()!);
            }

            if (root.TryGetProperty("errors", out var errors) && errors.ValueKind == JsonValueKind.Array)
            {
                parts.AddRange(errors.EnumerateArray().Select(e => e.ToString()));
            }

            return Bound(parts.Count > 0 ? string.Join("; ", parts) : body);
        }
        catch (JsonException)
        {
            return Bound(body);
        }
    }

    private static string Bound(string text) => PagerDutyEventBuilder.Truncate(text.Trim(), MaxDetail);
}
