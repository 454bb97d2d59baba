using System.Text.Json;
using MailGate.Core.Messages;

namespace MailGate.Core.Parse;

/// <summary>
/// The shared frame of the readers of JSON sources (support cases, AWS Health events): parse the stored JSON,
/// pick its items, turn each into facts. With several items their spool ids are the message's spool id followed
/// by the item's position (<c>"{id} 2"</c>), as <c>mailgate rules test</c> prints them.
/// </summary>
internal static class JsonSourceReader
{
    /// <summary>Facts of every item <paramref name="items"/> finds in <paramref name="json"/>.</summary>
    /// <exception cref="MessageParseException">The text is not JSON, or <paramref name="items"/> refuses it.</exception>
    public static IReadOnlyList<MessageFacts> ReadAll<T>(
        string spoolId, Envelope envelope, Stream json, Func<JsonElement, IReadOnlyList<T>> items, Func<T, string, Envelope, MessageFacts> toFacts)
    {
        ArgumentNullException.ThrowIfNull(envelope);
        try
        {
            using var document = JsonDocument.Parse(json);
            var found = items(document.RootElement);
            return found.Count == 1
                ? [toFacts(found[0], spoolId, envelope)]
                : [.. found.Select((item, i) => toFacts(item, $"{spoolId} {i + 1}", envelope))];
        }
        catch (JsonException e)
        {
            throw new MessageParseException($"not JSON: {e.Message}", e);
        }
    }

    /// <summary>The facts of the one item in <paramref name="all"/>.</summary>
    /// <exception cref="MessageParseException">There is not exactly one; the message names <paramref name="what"/>.</exception>
    public static MessageFacts One(IReadOnlyList<MessageFacts> all, string what) =>
        all.Count == 1 ? all[0] : throw new MessageParseException($"expected one {what}, found {all.Count}");
}
