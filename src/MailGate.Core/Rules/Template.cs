using System.Text;
using MailGate.Parse;

namespace MailGate.Rules;

/// <summary>
/// A summary or dedup-key template such as <c>"AWS abuse report for {account_id}: {subject}"</c>,
/// compiled once at load into literal and placeholder segments. <c>{{</c> and <c>}}</c> are literal
/// braces. A placeholder names a value the rule extracts or a built-in one; when a rule extracts a
/// name that is also built in, its extracted value wins, and the built-in value stands in when the
/// extract finds nothing.
/// </summary>
public sealed class Template
{
    private readonly TemplateSegment[] segments;

    private Template(string text, TemplateSegment[] segments)
    {
        Text = text;
        this.segments = segments;
    }

    /// <summary>The template as written in the rules file.</summary>
    public string Text { get; }

    public override string ToString() => Text;

    /// <summary>
    /// Compiles <paramref name="text"/>; placeholders must be built-in or in <paramref name="extractNames"/>.
    /// Returns null and an error message when the template is malformed.
    /// </summary>
    internal static Template? TryCompile(string text, IReadOnlySet<string> extractNames, out string? error)
    {
        var segments = new List<TemplateSegment>();
        var literal = new StringBuilder();
        var i = 0;
        while (i < text.Length)
        {
            var c = text[i];
            if (c == '{' && i + 1 < text.Length && text[i + 1] == '{')
            {
                literal.Append('{');
                i += 2;
            }
            else if (c == '}' && i + 1 < text.Length && text[i + 1] == '}')
            {
                literal.Append('}');
                i += 2;
            }
            else if (c == '}')
            {
                error = $"unmatched '}}' at offset {i} (write '}}}}' for a literal brace)";
                return null;
            }
            else if (c == '{')
            {
                var end = text.IndexOf('}', i + 1);
                if (end < 0)
                {
                    error = $"unclosed '{{' at offset {i} (write '{{{{' for a literal brace)";
                    return null;
                }

                var name = text[(i + 1)..end].Trim();
                TemplateSegmentKind kind;
                if (extractNames.Contains(name))
                {
                    // The rule's own extract wins over a built-in placeholder of the same name.
                    kind = TemplateSegmentKind.Extract;
                }
                else if (TemplatePlaceholders.IsBuiltIn(name))
                {
                    kind = TemplateSegmentKind.BuiltIn;
                }
                else
                {
                    var known = string.Join(", ", TemplatePlaceholders.Names.Concat(extractNames.Order(StringComparer.Ordinal)));
                    error = $"unknown placeholder '{{{name}}}' (expected one of: {known})";
                    return null;
                }

                if (literal.Length > 0)
                {
                    segments.Add(new TemplateSegment(TemplateSegmentKind.Literal, literal.ToString()));
                    literal.Clear();
                }

                segments.Add(new TemplateSegment(kind, name));
                i = end + 1;
            }
            else
            {
                literal.Append(c);
                i++;
            }
        }

        if (literal.Length > 0)
        {
            segments.Add(new TemplateSegment(TemplateSegmentKind.Literal, literal.ToString()));
        }

        error = null;
        return new Template(text, [.. segments]);
    }

    /// <summary>Fills the placeholders for one match.</summary>
    internal string Render(MessageFacts facts, string rule, IReadOnlyDictionary<string, string> extracted)
    {
        var result = new StringBuilder();
        foreach (var segment in segments)
        {
            result.Append(segment.Kind switch
            {
                TemplateSegmentKind.Literal => segment.Text,
                TemplateSegmentKind.BuiltIn => TemplatePlaceholders.Value(segment.Text, facts, rule),
                _ => Extracted(segment.Text, facts, rule, extracted),
            });
        }

        return result.ToString();
    }

    /// <summary>
    /// An extracted value; when the extract found nothing and its name is also a built-in placeholder
    /// (a version-1 file's <c>account_id</c>), the built-in value.
    /// </summary>
    private static string Extracted(string name, MessageFacts facts, string rule, IReadOnlyDictionary<string, string> extracted) =>
        extracted.TryGetValue(name, out var value) && value.Length > 0 ? value
        : TemplatePlaceholders.IsBuiltIn(name) ? TemplatePlaceholders.Value(name, facts, rule)
        : "";
}
