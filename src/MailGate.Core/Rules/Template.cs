using MailGate.Core.Facts;
using System.Text;

namespace MailGate.Core.Rules;

/// <summary>
/// A summary or dedup-key template such as <c>"AWS abuse report for {account_id}: {subject}"</c>,
/// compiled once at load into literal and placeholder segments. <c>{{</c> and <c>}}</c> are literal
/// braces. <c>{a|b|c}</c> is a fallback: the first of the names whose value is not empty (all empty:
/// empty), e.g. <c>{report_id|message_key}</c>. Values are whitespace-normalised (<see cref="RuleText"/>).
/// A name the rule extracts that is also built in (a version-1 file's <c>account_id</c>) is the rule's
/// extracted value; when the extract finds nothing, the built-in value stands in.
/// </summary>
public sealed class Template
{
    private readonly TemplateSegment[] _segments;

    private Template(string text, TemplateSegment[] segments)
    {
        Text = text;
        _segments = segments;
    }

    /// <summary>The template as written in the rules file.</summary>
    public string Text { get; }

    public override string ToString() => Text;

    /// <summary>
    /// Compiles <paramref name="text"/>; each placeholder name must be in <paramref name="extractNames"/>
    /// (the rule's own extracts, which win) or built in (<see cref="Fields.PlaceholderNames"/>).
    /// Returns null and an error naming the 0-based offset in <paramref name="text"/> when the template is
    /// malformed: an unmatched <c>}</c>, an unclosed <c>{</c>, an empty placeholder or alternative, an unknown name.
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

                var alternatives = ReadPlaceholder(text, i, end, extractNames, out error);
                if (alternatives is null)
                {
                    return null;
                }

                if (literal.Length > 0)
                {
                    segments.Add(TemplateSegment.Text(literal.ToString()));
                    literal.Clear();
                }

                segments.Add(new TemplateSegment("", alternatives));
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
            segments.Add(TemplateSegment.Text(literal.ToString()));
        }

        error = null;
        return new Template(text, [.. segments]);
    }

    /// <summary>Fills the placeholders for one match: extracted values by name, built-ins from <paramref name="input"/>.</summary>
    internal string Render(RuleInput input, string rule, IReadOnlyDictionary<string, string> extracted)
    {
        var result = new StringBuilder();
        foreach (var segment in _segments)
        {
            if (segment.IsLiteral)
            {
                result.Append(segment.Literal);
                continue;
            }

            foreach (var placeholder in segment.Alternatives)
            {
                var value = placeholder.IsExtract ? extracted.GetValueOrDefault(placeholder.Name, "") : "";
                if (value.Length == 0 && (!placeholder.IsExtract || Fields.Placeholder(placeholder.Name) is not null))
                {
                    // A built-in, or the built-in of the same name when the rule's own extract found nothing.
                    value = RuleText.Normalize(Fields.Placeholder(placeholder.Name)!.TemplateText(input.Facts, rule));
                }

                if (value.Length > 0)
                {
                    result.Append(value);
                    break;
                }
            }
        }

        return result.ToString();
    }

    /// <summary>The names of the placeholder <c>text[open..close]</c> (braces included), or null and why not.</summary>
    private static TemplatePlaceholder[]? ReadPlaceholder(string text, int open, int close, IReadOnlySet<string> extractNames, out string? error)
    {
        var whole = text[open..(close + 1)];
        if (string.IsNullOrWhiteSpace(text[(open + 1)..close]))
        {
            error = $"empty placeholder '{whole}' at offset {open} (write '{{{{' for a literal brace)";
            return null;
        }

        var alternatives = new List<TemplatePlaceholder>();
        var start = open + 1;
        while (start <= close)
        {
            var bar = text.IndexOf('|', start, close - start);
            var stop = bar < 0 ? close : bar;
            var raw = text[start..stop];
            var name = raw.Trim();
            var offset = start + (raw.Length - raw.TrimStart().Length);
            if (name.Length == 0)
            {
                error = $"empty alternative in placeholder '{whole}' at offset {offset}";
                return null;
            }

            if (extractNames.Contains(name))
            {
                alternatives.Add(new TemplatePlaceholder(name, IsExtract: true));
            }
            else if (Fields.Placeholder(name) is not null)
            {
                alternatives.Add(new TemplatePlaceholder(name, IsExtract: false));
            }
            else
            {
                var known = string.Join(", ", Fields.PlaceholderNames.Concat(extractNames.Order(StringComparer.Ordinal)));
                var what = alternatives.Count == 0 && bar < 0 ? $"'{{{name}}}'" : $"'{name}' in '{whole}'";
                error = $"unknown placeholder {what} at offset {offset} (expected one of: {known})";
                return null;
            }

            start = stop + 1;
        }

        error = null;
        return [.. alternatives];
    }
}
