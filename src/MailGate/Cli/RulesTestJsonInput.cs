using System.Text.Json;
using MailGate.Core.Messages;
using MailGate.Core.Parse;

namespace MailGate.Cli;

/// <summary>
/// The JSON inputs of <c>mailgate rules test</c>: AWS Health events (an EventBridge <c>aws.health</c> event, a
/// <c>DescribeEventDetailsForOrganization</c> response, its <c>successfulSet</c> array or one entry) or AWS Support
/// cases (everything else, as <c>DescribeCases</c> returns them).
/// </summary>
internal static class RulesTestJsonInput
{
    /// <summary>The facts of every event or case in <paramref name="file"/>; cases are read with <paramref name="caseEnvelope"/>, events with a Health envelope of the same time.</summary>
    /// <exception cref="MessageParseException">It is neither Health events nor support cases.</exception>
    public static IReadOnlyList<MessageFacts> Read(FileInfo file, Envelope caseEnvelope)
    {
        ArgumentNullException.ThrowIfNull(caseEnvelope);
        using (var stream = file.OpenRead())
        {
            if (IsHealth(stream))
            {
                stream.Position = 0;
                return HealthEventReader.ReadAll("(test)", Envelope.ForHealthEvent(new HealthEventOrigin("test"), caseEnvelope.ReceivedAt), stream);
            }
        }

        using var cases = file.OpenRead();
        return SupportCaseReader.ReadAll("(test)", caseEnvelope, cases);
    }

    /// <summary>
    /// Whether the JSON is Health's: an object with <c>"source": "aws.health"</c> or a <c>detail.eventArn</c>, with a
    /// <c>successfulSet</c>, or with an <c>event</c> object holding an <c>arn</c>; an array whose first element is one.
    /// Not JSON: false (the support-case reader reports it).
    /// </summary>
    public static bool IsHealth(Stream json)
    {
        try
        {
            using var document = JsonDocument.Parse(json);
            var root = document.RootElement;
            if (root.ValueKind == JsonValueKind.Array)
            {
                root = root.EnumerateArray().FirstOrDefault();
            }

            return root.ValueKind == JsonValueKind.Object && (
                (root.TryGetProperty("source", out var source) && source.ValueKind == JsonValueKind.String && source.GetString() == "aws.health")
                || (root.TryGetProperty("detail", out var detail) && detail.ValueKind == JsonValueKind.Object && detail.TryGetProperty("eventArn", out _))
                || root.TryGetProperty("successfulSet", out _)
                || (root.TryGetProperty("event", out var @event) && @event.ValueKind == JsonValueKind.Object && @event.TryGetProperty("arn", out _)));
        }
        catch (JsonException)
        {
            return false;
        }
    }
}
