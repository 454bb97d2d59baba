using System.Text.RegularExpressions;
using MailGate.Facts;
using YamlDotNet.RepresentationModel;

namespace MailGate.Rules;

/// <summary>
/// Reads a rule's <c>extract:</c> mapping: <c>name: { field: "regex", ... }</c>. A name may be that of
/// a built-in placeholder (<c>account_id</c> was the format's first example, before it was built in):
/// in that rule's templates the extracted value is used, and the built-in one when the extract finds
/// nothing (see <see cref="Template"/>).
/// </summary>
internal static class ExtractReader
{
    /// <summary>Adds each extraction to <paramref name="extractions"/>; false when any has errors.</summary>
    public static bool Read(ParseContext context, YamlNode node, List<Extraction> extractions)
    {
        var mapping = context.Mapping(node, "'extract'");
        if (mapping is null)
        {
            return false;
        }

        var ok = true;
        foreach (var (keyNode, valueNode) in mapping.Children)
        {
            var name = context.Key(keyNode);
            if (name is null)
            {
                ok = false;
                continue;
            }

            if (name.Length == 0 || !name.All(c => char.IsAsciiLetterOrDigit(c) || c == '_'))
            {
                context.Error(keyNode, $"extract name '{name}' must use only letters, digits and '_'");
                ok = false;
                continue;
            }

            var sources = ReadSources(context, name, valueNode);
            if (sources is null)
            {
                ok = false;
                continue;
            }

            extractions.Add(new Extraction(name, sources));
        }

        return ok;
    }

    private static List<ExtractSource>? ReadSources(ParseContext context, string name, YamlNode node)
    {
        var mapping = context.NonEmptyMapping(node, $"extract '{name}'", $"extract '{name}' needs a field and a regex, e.g. {{ subject: \"ID (?<v>\\d+)\" }}");
        if (mapping is null)
        {
            return null;
        }

        var sources = new List<ExtractSource>();
        var ok = true;
        foreach (var (keyNode, valueNode) in mapping.Children)
        {
            var key = context.Key(keyNode);
            if (key is null)
            {
                ok = false;
                continue;
            }

            if (Fields.Condition(key) is not { } field)
            {
                context.Error(keyNode, $"unknown field '{key}' (expected one of: {Fields.ConditionNames})");
                ok = false;
                continue;
            }

            var source = field == Fields.Header
                ? ReadHeaderSource(context, valueNode)
                : ReadRegex(context, valueNode, $"extract '{name}': '{key}'") is { } regex ? new ExtractSource(field, null, regex) : null;
            ok &= source is not null;
            if (source is not null)
            {
                sources.Add(source);
            }
        }

        return ok ? sources : null;
    }

    private static ExtractSource? ReadHeaderSource(ParseContext context, YamlNode node)
    {
        var mapping = context.Mapping(node, "an extract from 'header' ({ name: X-Foo, regex: \"...\" })");
        if (mapping is null)
        {
            return null;
        }

        string? header = null;
        Regex? regex = null;
        var ok = true;
        foreach (var (keyNode, valueNode) in mapping.Children)
        {
            switch (context.Key(keyNode))
            {
                case null:
                    ok = false;
                    break;
                case "name":
                    header = context.Scalar(valueNode, "the header 'name'")?.Trim();
                    ok &= header is not null;
                    break;
                case "regex":
                    regex = ReadRegex(context, valueNode, "'regex'");
                    ok &= regex is not null;
                    break;
                case var key:
                    context.Error(keyNode, $"unknown key '{key}' in an extract from 'header' (expected one of: name, regex)");
                    ok = false;
                    break;
            }
        }

        if (ok && (header is null || regex is null))
        {
            context.Error(node, "an extract from 'header' needs both 'name' and 'regex'");
            ok = false;
        }

        return ok ? new ExtractSource(Fields.Header, header, regex!) : null;
    }

    private static Regex? ReadRegex(ParseContext context, YamlNode node, string what)
    {
        var pattern = context.Scalar(node, what);
        return pattern is null ? null : ConditionReader.ReadRegex(context, pattern, node);
    }
}
