using MailGate.Core.Parse;
using System.Text.Json.Nodes;

namespace MailGate.Core.Facts;

/// <summary>
/// The facts of one message as <c>mailgate rules test</c> prints them: the fields the registry marks
/// <see cref="FieldUses.Shown"/>, read with <see cref="Field"/>'s shown form.
/// </summary>
public static class FactsView
{
    /// <summary>
    /// The order of <c>--json</c>'s facts before the field registry (the same output, key for key); shown
    /// fields not listed follow in registry order, then each source's own object.
    /// </summary>
    private static readonly string[] JsonLayout =
    [
        "sender", "from", "envelope_from", "recipients", "to", "cc", "subject", "list_id", "message_id", "date",
        "account_id", "account_ids", "account_name", "account_owner", "authentication", "body", "source",
    ];

    /// <summary>The value of <paramref name="field"/> as text: lists joined by <c>", "</c>, a time as <c>2026-11-28 14:03:09Z</c>; empty when absent.</summary>
    public static string Text(Field field, MessageFacts facts)
    {
        ArgumentNullException.ThrowIfNull(field);
        ArgumentNullException.ThrowIfNull(facts);
        return field.ShownText(facts);
    }

    /// <summary>
    /// The facts as one JSON object, keyed by <see cref="Field.Key"/>: strings, arrays of strings, a time in
    /// ISO 8601 or null. Every field every source may have is written, empty when this one has none; the
    /// fields only one source has sit in that source's object (<c>"case": {…}</c>), which is null when the
    /// facts come from another source.
    /// </summary>
    public static JsonObject Json(MessageFacts facts)
    {
        ArgumentNullException.ThrowIfNull(facts);
        var source = FactSources.Of(facts);
        var top = Fields.All.Where(f => f.Has(FieldUses.Shown) && !f.Owned).ToDictionary(f => f.Key, StringComparer.Ordinal);
        var result = new JsonObject();
        foreach (var key in JsonLayout.Where(top.ContainsKey).Concat(top.Keys.Except(JsonLayout, StringComparer.Ordinal)))
        {
            result[key] = top[key].ShownJson(facts);
        }

        foreach (var other in FactSources.All.Where(s => s.FactsKey is not null))
        {
            result[other.FactsKey!] = other != source ? null : new JsonObject(
                Fields.All.Where(f => f.Has(FieldUses.Shown) && f.IsOwnedBy(other)).Select(f => KeyValuePair.Create(f.Key, f.ShownJson(facts))));
        }

        return result;
    }
}
