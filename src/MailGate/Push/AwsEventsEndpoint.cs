using System.Text.Json;
using MailGate.Core.Parse;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace MailGate.Push;

/// <summary>
/// <c>POST /aws/events</c>: an EventBridge event (API destination, key in <see cref="AwsEventsOptions.ApiKeyHeader"/>)
/// or an SNS message (header <c>x-amz-sns-message-type</c>, signature verified, topic listed). Answers 200 only once
/// the event is durably stored (or was before); 400 for what is not an <c>aws.health</c> event (including events of
/// other sources: not retried, visible in EventBridge's failed invocations), 401 for a missing or wrong key,
/// 403 for an SNS message not signed or from an unlisted topic, 413 for a body over 256 KiB, 503 when the storage
/// or the certificate fetch failed (the sender retries).
/// </summary>
internal sealed partial class AwsEventsEndpoint(
    IOptions<AwsEventsOptions> options, AwsEventsKey key, SnsSignatureVerifier signatures, AwsEventIntake intake, IHttpClientFactory clients, ILogger<AwsEventsEndpoint> logger)
{
    /// <summary>The path.</summary>
    public const string Path = "/aws/events";

    /// <summary>The header SNS names the message type in.</summary>
    public const string SnsTypeHeader = "x-amz-sns-message-type";

    /// <summary>Answers one request.</summary>
    public async Task<IResult> HandleAsync(HttpContext http)
    {
        var cancellationToken = http.RequestAborted;
        var sns = http.Request.Headers.ContainsKey(SnsTypeHeader);
        // Exactly one key header: with two, which one a proxy or this code reads first is a guess an attacker can exploit.
        if (!sns && (http.Request.Headers[options.Value.ApiKeyHeader] is not { Count: 1 } presented || !key.Matches(presented[0])))
        {
            return Refuse(http, StatusCodes.Status401Unauthorized, $"missing or wrong {options.Value.ApiKeyHeader}");
        }

        var body = await BodyAsync(http.Request, cancellationToken).ConfigureAwait(false);
        if (body is null)
        {
            return Refuse(http, StatusCodes.Status413PayloadTooLarge, $"the body is larger than {AwsEventsOptions.MaxBodyBytes} bytes");
        }

        return sns ? await SnsAsync(http, body, cancellationToken).ConfigureAwait(false)
            : await EventAsync(http, body, "eventbridge", cancellationToken).ConfigureAwait(false);
    }

    private async Task<IResult> SnsAsync(HttpContext http, byte[] body, CancellationToken cancellationToken)
    {
        if (SnsMessage.Parse(body) is not { } message)
        {
            return Refuse(http, StatusCodes.Status400BadRequest, "not an SNS message: not a JSON object");
        }

        if (message.TopicArn is null || !options.Value.SnsTopicArns.Contains(message.TopicArn, StringComparer.Ordinal))
        {
            return Refuse(http, StatusCodes.Status403Forbidden, $"SNS topic '{message.TopicArn}' is not in AwsEvents:SnsTopicArns");
        }

        try
        {
            if (await signatures.ProblemAsync(message, cancellationToken).ConfigureAwait(false) is { } problem)
            {
                return Refuse(http, StatusCodes.Status403Forbidden, $"SNS signature refused: {problem}");
            }

            switch (message.Type)
            {
                case SnsMessage.Notification:
                    return await EventAsync(http, System.Text.Encoding.UTF8.GetBytes(message.Message ?? ""), "sns", cancellationToken).ConfigureAwait(false);
                case SnsMessage.SubscriptionConfirmation:
                    if (SnsEndpoints.SubscribeProblem(message) is { } subscribeProblem)
                    {
                        return Refuse(http, StatusCodes.Status403Forbidden, subscribeProblem);
                    }

                    using (var client = clients.CreateClient(SnsSignatureVerifier.ClientName))
                    using (var response = await client.GetAsync(new Uri(message.SubscribeUrl!), HttpCompletionOption.ResponseHeadersRead, cancellationToken).ConfigureAwait(false))
                    {
                        response.EnsureSuccessStatusCode();
                    }

                    Log.AwsEventSnsConfirmed(logger, message.TopicArn);
                    return Answer(StatusCodes.Status200OK, "confirmed");
                default:
                    Log.AwsEventSnsIgnored(logger, message.Type ?? "", message.TopicArn);
                    return Answer(StatusCodes.Status200OK, "ignored");
            }
        }
        catch (Exception e) when (e is HttpRequestException || (e is OperationCanceledException && !cancellationToken.IsCancellationRequested))
        {
            Log.AwsEventSnsUnavailable(logger, e, e.Message);
            return Answer(StatusCodes.Status503ServiceUnavailable, "unavailable", "the certificate could not be fetched or the subscription not confirmed");
        }
    }

    private async Task<IResult> EventAsync(HttpContext http, byte[] json, string channel, CancellationToken cancellationToken)
    {
        HealthEvent healthEvent;
        try
        {
            using var document = JsonDocument.Parse(json);
            var root = document.RootElement;
            if (root.ValueKind != JsonValueKind.Object || !root.TryGetProperty("detail", out _))
            {
                return Refuse(http, StatusCodes.Status400BadRequest, "not an EventBridge event");
            }

            var source = root.TryGetProperty("source", out var s) && s.ValueKind == JsonValueKind.String ? s.GetString() : null;
            var detailType = root.TryGetProperty("detail-type", out var d) && d.ValueKind == JsonValueKind.String ? d.GetString() : null;
            if (source != "aws.health" || detailType is null || !HealthEventReader.DetailTypes.Contains(detailType, StringComparer.Ordinal))
            {
                return Refuse(http, StatusCodes.Status400BadRequest, $"not an AWS Health event (source '{source}', detail-type '{detailType}'): only aws.health is taken");
            }

            healthEvent = HealthEventReader.FromEventBridge(root);
        }
        catch (Exception e) when (e is JsonException or MessageParseException or InvalidOperationException or FormatException or ArgumentException)
        {
            return Refuse(http, StatusCodes.Status400BadRequest, $"not an AWS Health event: {e.Message}");
        }

        string? id;
        try
        {
            id = await intake.StoreAsync(healthEvent, channel, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            Log.AwsEventStoreFailed(logger, e);
            return Answer(StatusCodes.Status503ServiceUnavailable, "unavailable", "the event could not be stored");
        }

        if (id is null)
        {
            Log.AwsEventDuplicate(logger, healthEvent.EventArn, healthEvent.AccountId, healthEvent.Status, channel);
            return Answer(StatusCodes.Status200OK, "duplicate");
        }

        Log.AwsEventStored(logger, healthEvent.EventArn, healthEvent.AccountId, healthEvent.Status, channel, id);
        return Answer(StatusCodes.Status200OK, "stored", id: id);
    }

    /// <summary>The body, or null when it is larger than <see cref="AwsEventsOptions.MaxBodyBytes"/> (read no further than that).</summary>
    private static async Task<byte[]?> BodyAsync(HttpRequest request, CancellationToken cancellationToken)
    {
        if (request.ContentLength > AwsEventsOptions.MaxBodyBytes)
        {
            return null;
        }

        using var buffer = new MemoryStream();
        var chunk = new byte[16 * 1024];
        int read;
        while ((read = await request.Body.ReadAsync(chunk, cancellationToken).ConfigureAwait(false)) > 0)
        {
            if (buffer.Length + read > AwsEventsOptions.MaxBodyBytes)
            {
                return null;
            }

            buffer.Write(chunk, 0, read);
        }

        return buffer.ToArray();
    }

    private IResult Refuse(HttpContext http, int statusCode, string reason)
    {
        Log.AwsEventRefused(logger, http.Connection.RemoteIpAddress?.ToString() ?? "(unknown)", statusCode, reason);
        return Answer(statusCode, "refused", reason);
    }

    private static IResult Answer(int statusCode, string status, string? reason = null, string? id = null) =>
        Results.Json(new AwsEventsAnswer(status, reason, id), PushJsonContext.Default.AwsEventsAnswer, statusCode: statusCode);
}

/// <summary>The answer's JSON body.</summary>
/// <param name="Status"><c>stored</c>, <c>duplicate</c>, <c>confirmed</c>, <c>ignored</c>, <c>refused</c> or <c>unavailable</c>.</param>
/// <param name="Reason">Why it was refused or failed; absent otherwise.</param>
/// <param name="Id">The spool id of the stored event; absent otherwise.</param>
internal sealed record AwsEventsAnswer(string Status, string? Reason, string? Id);

/// <summary>Source-generated JSON for <see cref="AwsEventsAnswer"/>.</summary>
[System.Text.Json.Serialization.JsonSourceGenerationOptions(PropertyNamingPolicy = System.Text.Json.Serialization.JsonKnownNamingPolicy.SnakeCaseLower, DefaultIgnoreCondition = System.Text.Json.Serialization.JsonIgnoreCondition.WhenWritingNull)]
[System.Text.Json.Serialization.JsonSerializable(typeof(AwsEventsAnswer))]
internal sealed partial class PushJsonContext : System.Text.Json.Serialization.JsonSerializerContext;
