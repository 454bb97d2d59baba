namespace MailGate.Core.Rules;

/// <summary>
/// One piece of a compiled template: literal text, or a placeholder with its fallbacks
/// (<c>{report_id|message_key}</c>: the first alternative whose value is not empty).
/// </summary>
/// <param name="Literal">The text of a literal piece; empty for a placeholder.</param>
/// <param name="Alternatives">The placeholder's names in order; empty for a literal piece.</param>
internal sealed record TemplateSegment(string Literal, IReadOnlyList<TemplatePlaceholder> Alternatives)
{
    /// <summary>A literal piece.</summary>
    public static TemplateSegment Text(string literal) => new(literal, []);

    public bool IsLiteral => Alternatives.Count == 0;
}

/// <summary>One name in a placeholder: the rule's own extract, or a built-in value.</summary>
/// <param name="Name">The name as written, trimmed.</param>
/// <param name="IsExtract">True for a name the rule's <c>extract</c> defines (it wins over a built-in of that name).</param>
internal readonly record struct TemplatePlaceholder(string Name, bool IsExtract);
