using MailGate.Core.Parse;
using System.Text.Json.Nodes;

namespace MailGate.Core.Facts;

/// <summary>
/// A field read by name: <c>header: { name: X-Mailer, … }</c> tests every value of the named header
/// (names compare ignoring case). Its readers give the whole map of names to values per source.
/// </summary>
public sealed class HeaderField : Field
{
    private readonly SourceReaders<IReadOnlyDictionary<string, IReadOnlyList<string>>> _readers;

    /// <param name="name">The name rules use.</param>
    /// <param name="doc">One line for people.</param>
    /// <param name="uses">Where it can be read: <see cref="FieldUses.Condition"/> only.</param>
    /// <param name="readers">One per source that has the field (<see cref="Reads"/>).</param>
    public HeaderField(string name, string doc, FieldUses uses, params FieldReader<IReadOnlyDictionary<string, IReadOnlyList<string>>>[] readers)
        : base(name, FieldKind.List, doc, uses, [.. readers.Select(r => r.Source)])
    {
        if (uses != FieldUses.Condition)
        {
            throw new ArgumentOutOfRangeException(nameof(uses), uses, $"field '{name}': a field read by name is a condition only");
        }

        _readers = new SourceReaders<IReadOnlyDictionary<string, IReadOnlyList<string>>>(readers, new Dictionary<string, IReadOnlyList<string>>());
    }

    /// <summary>The values of the field named <paramref name="name"/> for <paramref name="facts"/>; empty when there are none.</summary>
    public IReadOnlyList<string> Read(MessageFacts facts, string name) =>
        _readers.Read(facts).TryGetValue(name, out var values) ? values : [];

    /// <summary><c>header X-Mailer</c>.</summary>
    public override string Describe(string? argument) => Name + " " + argument;

    internal override IReadOnlyList<string> Values(MessageFacts facts, string? argument) => argument is null ? [] : Read(facts, argument);

    internal override string ShownText(MessageFacts facts) => string.Join(", ", _readers.Read(facts).Keys);

    internal override JsonNode? ShownJson(MessageFacts facts) => new JsonArray([.. _readers.Read(facts).Keys.Select(k => (JsonNode?)k)]);
}
