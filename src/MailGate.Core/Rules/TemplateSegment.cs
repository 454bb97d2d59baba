namespace MailGate.Rules;

/// <summary>One piece of a compiled template: literal text, a built-in placeholder or an extract name.</summary>
internal readonly record struct TemplateSegment(TemplateSegmentKind Kind, string Text);

/// <summary>What a <see cref="TemplateSegment"/> holds.</summary>
internal enum TemplateSegmentKind
{
    Literal,
    BuiltIn,
    Extract,
}
