
using MailGate.Core.Parse;

namespace MailGate.Core.Tests.Rules.Support;

/// <summary>Builders of <see cref="MessageFacts"/> for rule tests.</summary>
internal static class SomeFacts
{
    /// <summary>A plain message with every field set to something no test rule matches by accident.</summary>
    public static MessageFacts Message() => new()
    {
        SpoolId = "spool-0001",
        Sender = "someone@example.org",
        From = "someone@example.org",
        EnvelopeFrom = "bounce@example.org",
        Recipients = ["inbox@mailgate.example.com"],
        To = ["inbox@mailgate.example.com"],
        Subject = "Hello",
        Body = "Nothing to see.",
        MessageId = "abc123@example.org",
        ContentHash = "00ff00ff00ff",
    };

    /// <summary>A message whose <paramref name="field"/> (a rules-file field name) is <paramref name="value"/>.</summary>
    public static MessageFacts With(string field, string value) => field switch
    {
        "sender" => Message() with { Sender = value },
        "from" => Message() with { From = value },
        "envelope_from" => Message() with { EnvelopeFrom = value },
        "recipient" => Message() with { Recipients = [value] },
        "to" => Message() with { To = [value] },
        "cc" => Message() with { Cc = [value] },
        "subject" => Message() with { Subject = value },
        "body" => Message() with { Body = value },
        "list_id" => Message() with { ListId = value },
        "message_id" => Message() with { MessageId = value },
        _ => throw new ArgumentOutOfRangeException(nameof(field), field, null),
    };

    /// <summary>A headers dictionary as MessageParser builds it: case-insensitive names.</summary>
    public static IReadOnlyDictionary<string, IReadOnlyList<string>> Headers(params (string Name, string Value)[] headers)
    {
        var result = new Dictionary<string, IReadOnlyList<string>>(StringComparer.OrdinalIgnoreCase);
        foreach (var group in headers.GroupBy(h => h.Name, StringComparer.OrdinalIgnoreCase))
        {
            result[group.Key] = group.Select(h => h.Value).ToList();
        }

        return result;
    }
}
