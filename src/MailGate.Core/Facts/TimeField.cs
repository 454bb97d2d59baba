using MailGate.Core.Parse;
using System.Globalization;
using System.Text.Json.Nodes;

namespace MailGate.Core.Facts;

/// <summary>A field holding an instant, or nothing. Not read by conditions or templates (they compare text).</summary>
public sealed class TimeField : Field
{
    private readonly SourceReaders<DateTimeOffset?> _readers;

    /// <param name="name">The name documents use.</param>
    /// <param name="doc">One line for people.</param>
    /// <param name="uses">Where it can be read: <see cref="FieldUses.Details"/> and <see cref="FieldUses.Shown"/> only.</param>
    /// <param name="readers">One per source that has the field (<see cref="Reads"/>).</param>
    public TimeField(string name, string doc, FieldUses uses, params FieldReader<DateTimeOffset?>[] readers)
        : base(name, FieldKind.Time, doc, uses, [.. readers.Select(r => r.Source)])
    {
        if ((uses & (FieldUses.Condition | FieldUses.Template)) != 0)
        {
            throw new ArgumentOutOfRangeException(nameof(uses), uses, $"field '{name}': a time is not read by conditions or templates");
        }

        _readers = new SourceReaders<DateTimeOffset?>(readers, null);
    }

    /// <summary>The instant for <paramref name="facts"/>, or null when its source gives none.</summary>
    public DateTimeOffset? Read(MessageFacts facts) => _readers.Read(facts);

    internal override string ShownText(MessageFacts facts) => Read(facts)?.ToString("u", CultureInfo.InvariantCulture) ?? "";

    internal override JsonNode? ShownJson(MessageFacts facts) => Read(facts)?.ToString("o", CultureInfo.InvariantCulture);
}
