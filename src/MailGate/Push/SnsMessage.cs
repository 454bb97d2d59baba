using System.Text;
using System.Text.Json;

namespace MailGate.Push;

/// <summary>
/// An Amazon SNS HTTPS message (the JSON body SNS posts, with the header <c>x-amz-sns-message-type</c>):
/// a <c>Notification</c>, <c>SubscriptionConfirmation</c> or <c>UnsubscribeConfirmation</c>.
/// </summary>
/// <remarks>Absent fields read as null. <see cref="StringToSign"/> is the canonical text SNS signs (the SNS
/// developer guide, "Verifying the signatures of Amazon SNS messages").</remarks>
internal sealed record SnsMessage
{
    public const string Notification = "Notification";
    public const string SubscriptionConfirmation = "SubscriptionConfirmation";
    public const string UnsubscribeConfirmation = "UnsubscribeConfirmation";

    public string? Type { get; init; }
    public string? MessageId { get; init; }
    public string? Token { get; init; }
    public string? TopicArn { get; init; }
    public string? Subject { get; init; }
    public string? Message { get; init; }
    public string? Timestamp { get; init; }
    public string? SignatureVersion { get; init; }
    public string? Signature { get; init; }
    public string? SigningCertUrl { get; init; }
    public string? SubscribeUrl { get; init; }

    /// <summary>Reads the SNS JSON body; null when it is not a JSON object.</summary>
    public static SnsMessage? Parse(ReadOnlySpan<byte> body)
    {
        try
        {
            using var document = JsonDocument.Parse(body.ToArray());
            var root = document.RootElement;
            if (root.ValueKind != JsonValueKind.Object)
            {
                return null;
            }

            string? Text(string name) => root.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString() : null;
            return new SnsMessage
            {
                Type = Text("Type"),
                MessageId = Text("MessageId"),
                Token = Text("Token"),
                TopicArn = Text("TopicArn"),
                Subject = Text("Subject"),
                Message = Text("Message"),
                Timestamp = Text("Timestamp"),
                SignatureVersion = Text("SignatureVersion"),
                Signature = Text("Signature"),
                SigningCertUrl = Text("SigningCertURL"),
                SubscribeUrl = Text("SubscribeURL"),
            };
        }
        catch (JsonException)
        {
            return null;
        }
    }

    /// <summary>
    /// The text SNS signed: for a <c>Notification</c> the lines <c>Message</c>, <c>MessageId</c>, <c>Subject</c>
    /// (only when present), <c>Timestamp</c>, <c>TopicArn</c>, <c>Type</c>; for the confirmations <c>Message</c>,
    /// <c>MessageId</c>, <c>SubscribeURL</c>, <c>Timestamp</c>, <c>Token</c>, <c>TopicArn</c>, <c>Type</c> — each name
    /// and value on its own line, each line ending in <c>\n</c>. Null for another type or a missing field.
    /// </summary>
    public string? StringToSign()
    {
        (string Name, string? Value)[] fields = Type switch
        {
            Notification => Subject is null
                ? [("Message", Message), ("MessageId", MessageId), ("Timestamp", Timestamp), ("TopicArn", TopicArn), ("Type", Type)]
                : [("Message", Message), ("MessageId", MessageId), ("Subject", Subject), ("Timestamp", Timestamp), ("TopicArn", TopicArn), ("Type", Type)],
            SubscriptionConfirmation or UnsubscribeConfirmation =>
                [("Message", Message), ("MessageId", MessageId), ("SubscribeURL", SubscribeUrl), ("Timestamp", Timestamp), ("Token", Token), ("TopicArn", TopicArn), ("Type", Type)],
            _ => [],
        };
        if (fields.Length == 0 || fields.Any(field => field.Value is null))
        {
            return null;
        }

        var text = new StringBuilder();
        foreach (var (name, value) in fields)
        {
            text.Append(name).Append('\n').Append(value).Append('\n');
        }

        return text.ToString();
    }
}
