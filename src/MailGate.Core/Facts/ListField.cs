using MailGate.Core.Parse;
using System.Text.Json.Nodes;

namespace MailGate.Core.Facts;

/// <summary>A field holding several strings (addresses, account ids); an empty list, never null, when absent.</summary>
public sealed class ListField : Field
{
    private readonly SourceReaders<IReadOnlyList<string>> _readers;

    /// <param name="name">The name rules and templates use.</param>
    /// <param name="kind"><see cref="FieldKind.AddressList"/> or <see cref="FieldKind.List"/>.</param>
    /// <param name="doc">One line for people.</param>
    /// <param name="uses">Where it can be read.</param>
    /// <param name="readers">One per source that has the field (<see cref="Reads"/>).</param>
    public ListField(string name, FieldKind kind, string doc, FieldUses uses, params FieldReader<IReadOnlyList<string>>[] readers)
        : base(name, kind, doc, uses, [.. readers.Select(r => r.Source)])
    {
        if (kind is not (FieldKind.AddressList or FieldKind.List))
        {
            throw new ArgumentOutOfRangeException(nameof(kind), kind, $"field '{name}': a list field is an address list or a list");
        }

        _readers = new SourceReaders<IReadOnlyList<string>>(readers, []);
    }

    /// <summary>
    /// How the placeholder <c>{name}</c> writes the values as one string; each list field says so, since
    /// they differ (<c>{recipient}</c> is the first, <c>{to}</c> joined by <c>","</c>, <c>{account_ids}</c> by <c>", "</c>).
    /// Default: joined by <c>", "</c>.
    /// </summary>
    public Func<IReadOnlyList<string>, string> Placeholder { get; init; } = values => string.Join(", ", values);

    /// <summary>The values for <paramref name="facts"/>, as its source gives them (not whitespace-normalised).</summary>
    public IReadOnlyList<string> Read(MessageFacts facts) => _readers.Read(facts);

    internal override IReadOnlyList<string> Values(MessageFacts facts, string? argument) => Read(facts);

    internal override string TemplateText(MessageFacts facts, string rule) =>
        Has(FieldUses.Template) ? Placeholder(Read(facts)) : base.TemplateText(facts, rule);

    internal override string ShownText(MessageFacts facts) => string.Join(", ", Read(facts));

    internal override JsonNode? ShownJson(MessageFacts facts) => new JsonArray([.. Read(facts).Select(v => (JsonNode?)v)]);
}
