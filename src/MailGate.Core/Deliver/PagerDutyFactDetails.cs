using MailGate.Core.Facts;
using MailGate.Core.Parse;
using MailGate.Core.Rules;
using System.Globalization;
using System.Text.Json.Nodes;

namespace MailGate.Core.Deliver;

/// <summary>
/// The facts of PagerDuty's <c>custom_details</c>, read from the field registry: every field used in the
/// details (<see cref="FieldUses.Details"/>), keyed by <see cref="Field.Key"/> and written as its
/// <see cref="DetailsShape"/> says. Fields every source has sit at the top level (read as empty for a
/// source without them); the fields only one source has sit in that source's object
/// (<see cref="FactSource.DetailsKey"/>), present only for facts from that source.
/// </summary>
internal static class PagerDutyFactDetails
{
    /// <summary>The facts' entries for <paramref name="facts"/>, in registry order.</summary>
    public static JsonObject Build(MessageFacts facts)
    {
        var source = FactSources.Of(facts);
        var result = new JsonObject();
        foreach (var field in Fields.InDetails.Where(f => !f.Owned))
        {
            Add(result, field, facts);
        }

        if (source.DetailsKey is { } key)
        {
            var own = new JsonObject();
            foreach (var field in Fields.InDetails.Where(f => f.IsOwnedBy(source)))
            {
                Add(own, field, facts);
            }

            result[key] = own;
        }

        return result;
    }

    private static void Add(JsonObject target, Field field, MessageFacts facts)
    {
        switch (field.Details, field)
        {
            case (DetailsShape.Text, TextField text):
                target[field.Key] = PagerDutyEventBuilder.Text(text.Read(facts), PagerDutyLimits.FieldLength);
                break;
            case (DetailsShape.OneLine, TextField text):
                target[field.Key] = PagerDutyEventBuilder.Text(RuleText.Normalize(text.Read(facts)), PagerDutyLimits.FieldLength);
                break;
            case (DetailsShape.Excerpt, TextField text):
                var excerpt = UntrustedText.Escape(PagerDutyEventBuilder.Prefix(text.Read(facts).Trim(), PagerDutyLimits.BodyExcerptLength), keep: "\n\t");
                target[field.Key] = PagerDutyEventBuilder.Truncate(excerpt, PagerDutyLimits.BodyExcerptLength);
                target[field.Key + "_truncated"] = excerpt.Length > PagerDutyLimits.BodyExcerptLength;
                break;
            case (DetailsShape.List, ListField list):
                target[field.Key] = Texts(list.Read(facts));
                break;
            case (DetailsShape.CappedList, ListField list):
                target[field.Key] = Texts(list.Read(facts).Take(PagerDutyLimits.Recipients));
                break;
            case (DetailsShape.Time, TimeField time):
                target[field.Key] = time.Read(facts)?.ToString("o", CultureInfo.InvariantCulture);
                break;
            default:
                throw new InvalidOperationException($"field '{field.Name}': details shape {field.Details} does not fit a {field.GetType().Name}");
        }
    }

    private static JsonArray Texts(IEnumerable<string> values) =>
        new([.. values.Select(v => (JsonNode?)PagerDutyEventBuilder.Text(v, PagerDutyLimits.FieldLength))]);
}
