using System.Net.Http.Headers;
using System.Text.Json;

namespace MailGate.Poll.Aws;

/// <summary>Reads AWS's error answers and tells which are worth another try.</summary>
internal static class AwsErrors
{
    private const int MaxMessage = 1024;

    /// <summary>The error codes that mean "slow down", whatever the HTTP status.</summary>
    private static readonly HashSet<string> Throttling = new(StringComparer.Ordinal)
    {
        "ThrottlingException", "Throttling", "ThrottledException", "TooManyRequestsException",
        "RequestLimitExceeded", "RequestThrottled", "RequestThrottledException", "SlowDown",
        "TooManyRequests", "ProvisionedThroughputExceededException", "PriorRequestNotComplete",
        "BandwidthLimitExceeded", "LimitExceededException", "EC2ThrottledException",
    };

    /// <summary>Error codes of AWS-side trouble, retried like a 5xx.</summary>
    private static readonly HashSet<string> Transient = new(StringComparer.Ordinal)
    {
        "InternalFailure", "InternalServerError", "InternalError", "ServiceUnavailable",
        "ServiceUnavailableException", "ServiceException", "RequestTimeout", "RequestTimeoutException",
        "IDPCommunicationError",
        "NetworkError", "Timeout", // MailGate's own, for no answer at all
    };

    /// <summary>Whether the code or status means AWS is throttling.</summary>
    public static bool IsThrottling(string? code, int? status) =>
        status == 429 || (code is not null && Throttling.Contains(code));

    /// <summary>
    /// Whether a call that failed so is worth another try: throttling, 429, any 5xx, or a transient code.
    /// AccessDenied, SubscriptionRequiredException, validation and other 4xx answers are final.
    /// </summary>
    public static bool IsRetryable(string? code, int? status) =>
        IsThrottling(code, status) || status >= 500 || (code is not null && Transient.Contains(code));

    /// <summary>
    /// The error code and message of a JSON 1.1 error answer. The code comes from the body's
    /// <c>__type</c> (or <c>code</c>), else from the <c>x-amzn-ErrorType</c> header, else it is <c>HttpNNN</c>.
    /// </summary>
    public static (string Code, string? Message) ParseJsonError(int status, HttpResponseHeaders headers, string body)
    {
        string? code = null;
        string? message = null;
        try
        {
            using var json = JsonDocument.Parse(body);
            if (json.RootElement.ValueKind == JsonValueKind.Object)
            {
                foreach (var property in json.RootElement.EnumerateObject())
                {
                    if (property.Value.ValueKind != JsonValueKind.String)
                    {
                        continue;
                    }

                    if (property.NameEquals("__type") || (code is null && property.Name.Equals("code", StringComparison.OrdinalIgnoreCase)))
                    {
                        code = property.Value.GetString();
                    }
                    else if (property.Name.Equals("message", StringComparison.OrdinalIgnoreCase))
                    {
                        message = property.Value.GetString();
                    }
                }
            }
        }
        catch (JsonException)
        {
            message = body;
        }

        if (string.IsNullOrEmpty(code) && headers.TryGetValues("x-amzn-ErrorType", out var values))
        {
            code = values.FirstOrDefault();
        }

        code = Normalize(code);
        return (string.IsNullOrEmpty(code) ? $"Http{status}" : code, Bound(message));
    }

    /// <summary>Strips a namespace before <c>#</c> and anything after <c>:</c>: <c>com.amazon.coral.availability#ThrottlingException:http://…</c> is <c>ThrottlingException</c>.</summary>
    public static string? Normalize(string? code)
    {
        if (string.IsNullOrWhiteSpace(code))
        {
            return null;
        }

        var text = code.Trim();
        var colon = text.IndexOf(':', StringComparison.Ordinal);
        if (colon >= 0)
        {
            text = text[..colon];
        }

        var hash = text.LastIndexOf('#');
        return hash >= 0 ? text[(hash + 1)..] : text;
    }

    private static string? Bound(string? text)
    {
        if (string.IsNullOrWhiteSpace(text))
        {
            return null;
        }

        text = text.Trim();
        return text.Length <= MaxMessage ? text : text[..MaxMessage] + "…";
    }
}
