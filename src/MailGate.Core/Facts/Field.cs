using MailGate.Core.Parse;
using System.Text.Json.Nodes;

namespace MailGate.Core.Facts;

/// <summary>
/// One fact MailGate knows about a message, declared once in <see cref="Fields"/>: its name (as rules,
/// templates and documents write it), its <see cref="Kind"/>, a one-line <see cref="Doc"/>, how each
/// source gives its value, and where it is used (<see cref="Uses"/>). Conditions and extracts, template
/// placeholders, <c>rules test</c>'s facts, PagerDuty's custom details and docs/rules.md's field table
/// all read this one declaration.
/// </summary>
public abstract class Field
{
    private protected Field(string name, FieldKind kind, string doc, FieldUses uses, IReadOnlyList<FactSource?> sources)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        ArgumentException.ThrowIfNullOrWhiteSpace(doc);
        Name = name;
        Kind = kind;
        Doc = doc;
        Uses = uses;
        Key = name;
        Details = kind switch
        {
            FieldKind.AddressList or FieldKind.List => DetailsShape.List,
            FieldKind.Time => DetailsShape.Time,
            _ => DetailsShape.Text,
        };
        Sources = sources.Contains(null) ? FactSources.All : [.. FactSources.All.Where(sources.Contains)];
    }

    /// <summary>The name rules and templates use: <c>subject</c>, <c>case_id</c>.</summary>
    public string Name { get; }

    /// <summary>What kind of value it holds.</summary>
    public FieldKind Kind { get; }

    /// <summary>One line for people: what the value is, per source where they differ.</summary>
    public string Doc { get; }

    /// <summary>Where the field can be read.</summary>
    public FieldUses Uses { get; init; }

    /// <summary>Its key in JSON documents (custom details, <c>rules test --json</c>): the name, unless they named it otherwise first (<c>recipients</c>).</summary>
    public string Key { get; init; }

    /// <summary>How it is written into PagerDuty's custom details (when <see cref="Uses"/> has <see cref="FieldUses.Details"/>).</summary>
    public DetailsShape Details { get; init; }

    /// <summary>Whether a <c>regex</c> (condition or extract) reads the value line by line (<c>body</c>), not as one line.</summary>
    public bool RegexReadsLines { get; init; }

    /// <summary>Whether the field holds several values (a condition holds when any one of them satisfies it).</summary>
    public virtual bool IsMultiValued => Kind is FieldKind.AddressList or FieldKind.List;

    /// <summary>The sources that give a value; the others read it as empty.</summary>
    public IReadOnlyList<FactSource> Sources { get; }

    /// <summary>
    /// Whether the field sits in its sources' own objects in JSON documents (<c>support_case</c>,
    /// <c>health_event</c>) rather than at the top level: when every source that has it keeps such an object
    /// (a field of mail, or of every source, is written at the top level). A field two such sources share
    /// (<c>service</c>: a support case's and a Health event's) sits in each one's object.
    /// </summary>
    public bool Owned => Sources.Count > 0 && Sources.All(s => s.DetailsKey is not null);

    /// <summary>Whether the field sits in <paramref name="source"/>'s own object (see <see cref="Owned"/>).</summary>
    public bool IsOwnedBy(FactSource source) => Owned && Sources.Contains(source);

    /// <summary>The field's position in <see cref="Fields.All"/>; caches of per-field values are indexed by it.</summary>
    public int Index { get; internal set; } = -1;

    /// <summary>Whether <see cref="Uses"/> has every flag of <paramref name="use"/>.</summary>
    public bool Has(FieldUses use) => (Uses & use) == use;

    /// <summary>Whether <paramref name="source"/> gives the field a value.</summary>
    public bool ReadsFrom(FactSource source) => Sources.Contains(source);

    /// <summary>The field as traces name it: <c>subject</c>; <c>header X-Mailer</c> for a field read by name.</summary>
    public virtual string Describe(string? argument) => Name;

    public override string ToString() => Name;

    /// <summary>The value of a single-valued field for <paramref name="facts"/>; empty when its source does not give it.</summary>
    /// <exception cref="InvalidOperationException">The field holds several values, or a time.</exception>
    internal virtual string Value(MessageFacts facts) => throw new InvalidOperationException($"field '{Name}' is not single-valued text");

    /// <summary>The values of a multi-valued field (of the one named <paramref name="argument"/> for a field read by name).</summary>
    /// <exception cref="InvalidOperationException">The field holds one value.</exception>
    internal virtual IReadOnlyList<string> Values(MessageFacts facts, string? argument) => throw new InvalidOperationException($"field '{Name}' is not multi-valued");

    /// <summary>The value as the built-in placeholder <c>{name}</c> writes it; <paramref name="rule"/> is the matching rule's name.</summary>
    /// <exception cref="InvalidOperationException">The field is not a placeholder.</exception>
    internal virtual string TemplateText(MessageFacts facts, string rule) => throw new InvalidOperationException($"field '{Name}' is not a placeholder");

    /// <summary>The value as <c>rules test</c> prints it: lists joined by <c>", "</c>, a time as <c>2026-11-28 14:03:09Z</c>.</summary>
    internal abstract string ShownText(MessageFacts facts);

    /// <summary>The value in <c>rules test --json</c>: a string, an array of strings, or a round-trip time (null when there is none).</summary>
    internal abstract JsonNode? ShownJson(MessageFacts facts);
}
