using MailGate.Core.Facts;
using System.Globalization;
using System.Text.RegularExpressions;
using YamlDotNet.RepresentationModel;

namespace MailGate.Core.Rules;

/// <summary>
/// Reads a rule's <c>extract:</c> mapping: <c>name: { field: "regex", ... }</c>. A name may be that of
/// a built-in placeholder (<c>account_id</c> was the format's first example, before it was built in):
/// in that rule's templates the extracted value is used, and the built-in one when the extract finds
/// nothing (see <see cref="Template"/>).
/// </summary>
internal static class ExtractReader
{
    /// <summary>The extracts: any name of letters, digits and <c>_</c>, each a mapping of sources.</summary>
    private static readonly MappingSchema<List<Extraction>> Extracts = new()
    {
        Resolve = _ => ReadExtract,
        Duplicate = (_, name, line) => string.Create(CultureInfo.InvariantCulture, $"duplicate extract name '{name}' (first used on line {line})"),
    };

    /// <summary>One extract's sources: a field each (the field lookup of conditions), in file order.</summary>
    private static readonly MappingSchema<SourcesDraft> Sources = new()
    {
        Resolve = key => Fields.Condition(key) is { } field ? (context, entry, draft) => ReadSource(context, entry, draft, field) : null,
        Unknown = (_, key, _) => $"unknown field '{key}' (expected one of: {Fields.ConditionNames})",
    };

    /// <summary>A source from a header: <c>{ name: X-Foo, regex: "..." }</c>.</summary>
    private static readonly MappingSchema<HeaderSourceDraft> HeaderSource = new(
        new SchemaKey<HeaderSourceDraft>("name", ReadHeaderName) { MissingIfValid = _ => "an extract from 'header' needs both 'name' and 'regex'" },
        new SchemaKey<HeaderSourceDraft>("regex", ReadHeaderRegex) { MissingIfValid = _ => "an extract from 'header' needs both 'name' and 'regex'" })
    {
        Unknown = (_, key, names) => $"unknown key '{key}' in an extract from 'header' (expected one of: {names})",
        InFileOrder = true,
    };

    /// <summary>Adds each extraction to <paramref name="extractions"/>; false when any has errors.</summary>
    public static bool Read(ParseContext context, YamlNode node, List<Extraction> extractions)
    {
        var mapping = context.Mapping(node, "'extract'");
        return mapping is not null && Extracts.Read(context, mapping, extractions).Ok;
    }

    private static bool ReadExtract(ParseContext context, MappingEntry entry, List<Extraction> extractions)
    {
        var name = entry.Text;
        if (name.Length == 0 || !name.All(c => char.IsAsciiLetterOrDigit(c) || c == '_'))
        {
            context.Error(entry.Key, $"extract name '{name}' must use only letters, digits and '_'");
            return false;
        }

        var mapping = context.NonEmptyMapping(entry.Value, $"extract '{name}'", $"extract '{name}' needs a field and a regex, e.g. {{ subject: \"ID (?<v>\\d+)\" }}");
        if (mapping is null)
        {
            return false;
        }

        var sources = new SourcesDraft(name);
        if (!Sources.Read(context, mapping, sources).Ok)
        {
            return false;
        }

        extractions.Add(new Extraction(name, sources.Sources));
        return true;
    }

    private static bool ReadSource(ParseContext context, MappingEntry entry, SourcesDraft draft, Field field)
    {
        var source = field == Fields.Header
            ? ReadHeaderSource(context, entry.Value)
            : ReadRegex(context, entry.Value, $"extract '{draft.Name}': '{entry.Text}'") is { } regex ? new ExtractSource(field, null, regex) : null;
        if (source is not null)
        {
            draft.Sources.Add(source);
        }

        return source is not null;
    }

    private static ExtractSource? ReadHeaderSource(ParseContext context, YamlNode node)
    {
        var mapping = context.Mapping(node, "an extract from 'header' ({ name: X-Foo, regex: \"...\" })");
        if (mapping is null)
        {
            return null;
        }

        var source = new HeaderSourceDraft();
        return HeaderSource.Read(context, mapping, source).Ok ? new ExtractSource(Fields.Header, source.Header, source.Regex!) : null;
    }

    private static bool ReadHeaderName(ParseContext context, MappingEntry entry, HeaderSourceDraft source)
    {
        source.Header = context.Scalar(entry.Value, "the header 'name'")?.Trim();
        return source.Header is not null;
    }

    private static bool ReadHeaderRegex(ParseContext context, MappingEntry entry, HeaderSourceDraft source)
    {
        source.Regex = ReadRegex(context, entry.Value, "'regex'");
        return source.Regex is not null;
    }

    private static Regex? ReadRegex(ParseContext context, YamlNode node, string what)
    {
        var pattern = context.Scalar(node, what);
        return pattern is null ? null : ConditionReader.ReadRegex(context, pattern, node);
    }

    /// <summary>One extract's sources while they are read.</summary>
    private sealed class SourcesDraft(string name)
    {
        public string Name { get; } = name;

        public List<ExtractSource> Sources { get; } = [];
    }

    /// <summary>A source from a header while it is read.</summary>
    private sealed class HeaderSourceDraft
    {
        public string? Header { get; set; }

        public Regex? Regex { get; set; }
    }
}
