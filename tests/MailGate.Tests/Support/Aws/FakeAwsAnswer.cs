using System.Globalization;
using System.Text;
using System.Text.Json;

namespace MailGate.Tests.Support.Aws;

/// <summary>What <see cref="FakeAws"/> answers one request with, and the request as its log keeps it.</summary>
/// <param name="Request">The request, with what the service read from it (operation, account, filters).</param>
/// <param name="Status">The HTTP status.</param>
/// <param name="ContentType">The answer's content type.</param>
/// <param name="Body">The answer's body.</param>
/// <param name="Headers">Extra answer headers (e.g. <c>x-amzn-ErrorType</c>).</param>
internal sealed record FakeAwsAnswer(FakeAwsRequest Request, int Status, string ContentType, string Body, IReadOnlyList<(string Name, string Value)> Headers)
{
    /// <summary>The content type of the JSON 1.1 protocol (Organizations, Support, Health).</summary>
    public const string JsonContentType = "application/x-amz-json-1.1";

    /// <summary>A 200 JSON 1.1 answer written by <paramref name="write"/>.</summary>
    public static FakeAwsAnswer Json(FakeAwsRequest request, Action<Utf8JsonWriter> write) => new(request, 200, JsonContentType, Write(write), []);

    /// <summary>
    /// A JSON 1.1 error as AWS sends it: <c>__type</c> (possibly with a namespace before <c>#</c>), the message
    /// under <c>message</c> or, as Organizations spells it, <c>Message</c>, and optionally an <c>x-amzn-ErrorType</c> header.
    /// </summary>
    public static FakeAwsAnswer JsonError(FakeAwsRequest request, int status, string type, string? message, string? errorTypeHeader = null, bool capitalMessage = false)
    {
        var json = Write(writer =>
        {
            writer.WriteStartObject();
            writer.WriteString("__type", type);
            if (message is not null)
            {
                writer.WriteString(capitalMessage ? "Message" : "message", message);
            }

            writer.WriteEndObject();
        });
        var headers = errorTypeHeader is null ? [] : new[] { ("x-amzn-ErrorType", errorTypeHeader) };
        return new FakeAwsAnswer(request with { ErrorCode = type[(type.LastIndexOf('#') + 1)..] }, status, JsonContentType, json, headers);
    }

    /// <summary>The JSON <paramref name="write"/> writes, as text.</summary>
    public static string Write(Action<Utf8JsonWriter> write)
    {
        using var buffer = new MemoryStream();
        using (var writer = new Utf8JsonWriter(buffer))
        {
            write(writer);
        }

        return Encoding.UTF8.GetString(buffer.ToArray());
    }

    /// <summary>A string member of a request's JSON input; null when absent or not a string.</summary>
    public static string? Text(JsonElement input, string name) =>
        input.ValueKind == JsonValueKind.Object && input.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString() : null;

    /// <summary>An opaque page token for the page starting at <paramref name="offset"/> of listing <paramref name="kind"/>.</summary>
    public static string PageToken(string kind, int offset) =>
        Convert.ToBase64String(Encoding.UTF8.GetBytes(string.Create(CultureInfo.InvariantCulture, $"{kind}:{offset}")));

    /// <summary>The offset a <see cref="PageToken"/> of listing <paramref name="kind"/> names; null for anything else.</summary>
    public static int? PageOffset(string token, string kind)
    {
        try
        {
            var text = Encoding.UTF8.GetString(Convert.FromBase64String(token));
            return text.StartsWith(kind + ":", StringComparison.Ordinal)
                && int.TryParse(text[(kind.Length + 1)..], NumberStyles.None, CultureInfo.InvariantCulture, out var offset)
                ? offset
                : null;
        }
        catch (FormatException)
        {
            return null;
        }
    }
}
