using MailGate.Core.Parse;
using System.Text.Json.Nodes;

namespace MailGate.Core.Facts;

/// <summary>A field holding one string (text, an address, a url, a verdict written out); empty, never null, when absent.</summary>
public sealed class TextField : Field
{
    private readonly SourceReaders<string> _readers;

    /// <param name="name">The name rules and templates use.</param>
    /// <param name="kind">What the value is; not a list or a time.</param>
    /// <param name="doc">One line for people.</param>
    /// <param name="uses">Where it can be read.</param>
    /// <param name="readers">One per source that has the field (<see cref="Reads"/>).</param>
    public TextField(string name, FieldKind kind, string doc, FieldUses uses, params FieldReader<string>[] readers)
        : base(name, kind, doc, uses, [.. readers.Select(r => r.Source)])
    {
        if (kind is FieldKind.AddressList or FieldKind.List or FieldKind.Time)
        {
            throw new ArgumentOutOfRangeException(nameof(kind), kind, $"field '{name}': a text field holds one string");
        }

        _readers = new SourceReaders<string>(readers, "");
    }

    /// <summary>
    /// How the placeholder <c>{name}</c> writes the value when it differs from the value conditions read
    /// (<c>account</c>: <c>unknown account</c> when empty); null: as read.
    /// </summary>
    public Func<string, string>? Placeholder { get; init; }

    /// <summary>
    /// What <c>rules test</c> shows when it differs from the value read (<c>authenticated</c>: what was checked,
    /// also for a support case, where the details say mail authentication does not apply); null: as read.
    /// </summary>
    public Func<MessageFacts, string>? ShownAs { get; init; }

    /// <summary>The value for <paramref name="facts"/>, as its source gives it (not whitespace-normalised).</summary>
    public string Read(MessageFacts facts) => _readers.Read(facts);

    internal override string Value(MessageFacts facts) => Read(facts);

    internal override string TemplateText(MessageFacts facts, string rule) =>
        !Has(FieldUses.Template) ? base.TemplateText(facts, rule)
        : Placeholder is { } write ? write(Read(facts))
        : Read(facts);

    internal override string ShownText(MessageFacts facts) => ShownAs is { } show ? show(facts) : Read(facts);

    internal override JsonNode? ShownJson(MessageFacts facts) => JsonValue.Create(ShownText(facts));
}
