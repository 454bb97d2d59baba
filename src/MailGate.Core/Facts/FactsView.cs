using System.Text.Json.Nodes;
using MailGate.Parse;

namespace MailGate.Facts;

/// <summary>
/// The facts of one message as <c>mailgate rules test</c> prints them: every field the registry marks
/// <see cref="FieldUses.Shown"/> that the message's source gives, in registry order.
/// </summary>
public static class FactsView
{
    /// <summary>Each shown field with its value as text (lists joined by <c>", "</c>, a time as <c>2026-11-28 14:03:09Z</c>; empty when absent).</summary>
    public static IEnumerable<(Field Field, string Value)> Text(MessageFacts facts)
    {
        ArgumentNullException.ThrowIfNull(facts);
        return Fields.Shown(FactSources.Of(facts)).Select(field => (field, field.ShownText(facts)));
    }

    /// <summary>
    /// The facts as one JSON object, keyed by <see cref="Field.Key"/>: strings, arrays of strings, a time in
    /// ISO 8601 or null. The fields only one source has sit in that source's object (<c>"case": {…}</c>),
    /// which is null when the facts come from another source.
    /// </summary>
    public static JsonObject Json(MessageFacts facts)
    {
        ArgumentNullException.ThrowIfNull(facts);
        var source = FactSources.Of(facts);
        var result = new JsonObject();
        foreach (var field in Fields.Shown(source).Where(f => f.Owner is null))
        {
            result[field.Key] = field.ShownJson(facts);
        }

        foreach (var other in FactSources.All.Where(s => s.FactsKey is not null))
        {
            result[other.FactsKey!] = other != source ? null : new JsonObject(
                Fields.Shown(source).Where(f => f.Owner == source).Select(f => KeyValuePair.Create(f.Key, f.ShownJson(facts))));
        }

        return result;
    }
}
