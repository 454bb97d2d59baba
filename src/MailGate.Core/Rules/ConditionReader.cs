using MailGate.Core.Facts;
using System.Globalization;
using System.Text.RegularExpressions;
using YamlDotNet.RepresentationModel;

namespace MailGate.Core.Rules;

/// <summary>
/// Reads a <c>when</c> mapping into an <see cref="ICondition"/>: field tests plus nested
/// <c>any</c>/<c>all</c>/<c>not</c>, all of which must hold.
/// </summary>
internal static class ConditionReader
{
    /// <summary>
    /// A <c>when</c>-style mapping: <c>any</c>/<c>all</c>/<c>not</c>/<c>authenticated</c>, then every field
    /// (the field lookup); the parts keep the file's order, which explanations show.
    /// </summary>
    private static readonly MappingSchema<List<ICondition>> Condition = new(
        new SchemaKey<List<ICondition>>("any", Part((context, node) => ReadList(context, node, "any", static p => new AnyCondition(p)))),
        new SchemaKey<List<ICondition>>("all", Part((context, node) => ReadList(context, node, "all", static p => new AllCondition(p)))),
        new SchemaKey<List<ICondition>>("not", Part((context, node) => Read(context, node, "'not'") is { } inner ? new NotCondition(inner) : null)),
        new SchemaKey<List<ICondition>>("authenticated", Part(ReadAuthenticated)))
    {
        Resolve = key => Fields.Condition(key) is { } field ? Part((context, node) => ReadField(context, field, key, node)) : null,
        Unknown = (_, key, _) => $"unknown field '{key}' (expected one of: {Fields.ConditionNames}, any, all, not)",
        InFileOrder = true,
    };

    /// <summary><c>authenticated:</c> one check per key (<see cref="AuthenticatedCondition.Parse"/>), each naming domains.</summary>
    private static readonly MappingSchema<List<ICondition>> Authenticated = new()
    {
        Resolve = key => AuthenticatedCondition.Parse(key) is { } check ? (context, entry, parts) => ReadCheck(context, entry, parts, check) : null,
        Unknown = (_, key, _) => $"unknown authentication check '{key}' (expected one of: {AuthenticatedCondition.Keys})",
    };

    /// <summary>A field's operators (<see cref="Operators.Parse"/>), in file order.</summary>
    private static readonly MappingSchema<FieldDraft> FieldOperators = new()
    {
        Resolve = name => Operators.Parse(name) is { } kind ? ReadOperator(kind) : null,
        Unknown = (_, name, _) => $"unknown operator '{name}' (expected one of: {Operators.Names})",
    };

    /// <summary>The <c>header</c> field: its <c>name</c> and operators.</summary>
    private static readonly MappingSchema<FieldDraft> HeaderField = new(
        new SchemaKey<FieldDraft>("name", ReadHeaderName)
        {
            MissingIfValid = _ => "field 'header' needs 'name' (the header's name, e.g. name: X-Mailer)",
        })
    {
        Resolve = FieldOperators.Resolve,
        Unknown = (_, name, _) => $"unknown operator '{name}' (expected one of: name, {Operators.Names})",
        InFileOrder = true,
    };

    /// <summary>Reads a when-style mapping; null when it has errors (already reported).</summary>
    public static ICondition? Read(ParseContext context, YamlNode node, string what)
    {
        var mapping = context.NonEmptyMapping(node, what, $"{what} is empty (omit 'when' to match every message)");
        var parts = new List<ICondition>();
        return mapping is not null && Condition.Read(context, mapping, parts).Ok ? Combine(parts) : null;
    }

    /// <summary>A reader of one part of a condition: adds what <paramref name="read"/> makes of the value.</summary>
    private static KeyReader<List<ICondition>> Part(Func<ParseContext, YamlNode, ICondition?> read) => (context, entry, parts) =>
    {
        var part = read(context, entry.Value);
        if (part is not null)
        {
            parts.Add(part);
        }

        return part is not null;
    };

    private static ICondition? ReadAuthenticated(ParseContext context, YamlNode node)
    {
        var mapping = context.NonEmptyMapping(node, "'authenticated'", $"'authenticated' is empty (expected one or more of: {AuthenticatedCondition.Keys})");
        var parts = new List<ICondition>();
        return mapping is not null && Authenticated.Read(context, mapping, parts).Ok ? Combine(parts) : null;
    }

    private static bool ReadCheck(ParseContext context, MappingEntry entry, List<ICondition> parts, AuthenticatedCheck check)
    {
        var domains = context.Scalars(entry.Value, $"'authenticated.{entry.Text}'");
        if (domains is null)
        {
            return false;
        }

        if (domains.Any(d => string.IsNullOrWhiteSpace(d.Value)))
        {
            context.Error(entry.Value, $"'authenticated.{entry.Text}' needs domains, not blanks");
            return false;
        }

        parts.Add(new AuthenticatedCondition(check, [.. domains.Select(d => d.Value)]));
        return true;
    }

    /// <summary>The parts read, as one condition: the part itself when there is one, else all of them.</summary>
    private static ICondition Combine(List<ICondition> parts) => parts.Count == 1 ? parts[0] : new AllCondition(parts);

    private static ICondition? ReadList(ParseContext context, YamlNode node, string key, Func<IReadOnlyList<ICondition>, ICondition> create)
    {
        var sequence = context.Sequence(node, $"'{key}'");
        if (sequence is null)
        {
            return null;
        }

        if (sequence.Children.Count == 0)
        {
            context.Error(node, $"'{key}' must list at least one condition");
            return null;
        }

        var parts = new List<ICondition>();
        var ok = true;
        foreach (var child in sequence.Children)
        {
            var part = Read(context, child, $"each entry of '{key}'");
            ok &= part is not null;
            if (part is not null)
            {
                parts.Add(part);
            }
        }

        return ok ? create(parts) : null;
    }

    private static FieldCondition? ReadField(ParseContext context, Field field, string key, YamlNode node)
    {
        var mapping = context.Mapping(node, $"field '{key}'");
        if (mapping is null)
        {
            return null;
        }

        var draft = new FieldDraft(key);
        var ok = (field == Fields.Header ? HeaderField : FieldOperators).Read(context, mapping, draft).Ok;
        if (ok && draft.Operators.Count == 0)
        {
            context.Error(mapping, $"field '{key}' has no operator (expected one of: {Operators.Names})");
            ok = false;
        }

        return ok ? new FieldCondition(field, draft.Header, draft.Operators) : null;
    }

    private static bool ReadHeaderName(ParseContext context, MappingEntry entry, FieldDraft field)
    {
        field.Header = context.Scalar(entry.Value, "the header 'name'")?.Trim();
        return field.Header is not null;
    }

    /// <summary>A reader of operator <paramref name="kind"/>: its values (regexes compiled), added to the field.</summary>
    private static KeyReader<FieldDraft> ReadOperator(OperatorKind kind) => (context, entry, field) =>
    {
        var values = context.Scalars(entry.Value, $"'{field.Key}: {entry.Text}'");
        if (values is null)
        {
            return false;
        }

        if (kind == OperatorKind.Domain)
        {
            foreach (var (value, node) in values)
            {
                if (value.Trim().TrimStart('@').Trim('.').Length == 0)
                {
                    context.Error(node, "'domain' needs a domain name, e.g. amazon.com");
                    return false;
                }
            }
        }

        if (kind != OperatorKind.Regex)
        {
            field.Operators.Add(new FieldOperator(kind, values.ConvertAll(v => v.Value)));
            return true;
        }

        var regexes = new List<Regex>();
        foreach (var (value, node) in values)
        {
            var regex = ReadRegex(context, value, node);
            if (regex is null)
            {
                return false;
            }

            regexes.Add(regex);
        }

        field.Operators.Add(new FieldOperator(kind, values.ConvertAll(v => v.Value), regexes));
        return true;
    };

    /// <summary>
    /// Compiles a regex (once per pattern and file), reporting errors at <paramref name="node"/>: a pattern
    /// longer than <see cref="RulesLimits.MaxRegexLength"/>, one pattern too many for
    /// <see cref="RulesLimits.MaxRegexes"/> or <see cref="RulesLimits.MaxRegexChars"/>, or one the engine refuses.
    /// </summary>
    public static Regex? ReadRegex(ParseContext context, string pattern, YamlNode node)
    {
        if (context.Regexes.TryGetValue(pattern, out var known))
        {
            return known;
        }

        if (pattern.Length > RulesLimits.MaxRegexLength)
        {
            context.Error(node, string.Create(CultureInfo.InvariantCulture, $"a regex of {pattern.Length:N0} characters; at most {RulesLimits.MaxRegexLength:N0} are allowed"));
            return null;
        }

        if (context.Regexes.Count >= RulesLimits.MaxRegexes || context.RegexChars + pattern.Length > RulesLimits.MaxRegexChars)
        {
            // Reported once, where the bound is crossed: the file is refused anyway.
            if (!context.RegexLimitReported)
            {
                context.RegexLimitReported = true;
                context.Error(node, string.Create(CultureInfo.InvariantCulture,
                    $"one regex too many: a file may hold {RulesLimits.MaxRegexes:N0} different regexes of {RulesLimits.MaxRegexChars:N0} characters in all (each costs the gateway 0.1 to 2 MB of memory); reuse one (the same pattern, or a YAML anchor, is compiled once) or combine them with |"));
            }

            return null;
        }

        var regex = RegexFactory.TryCreate(pattern, context.Options.RegexMatchTimeout, out var error);
        if (regex is null)
        {
            context.Error(node, error!);
            return null;
        }

        context.Regexes[pattern] = regex;
        context.RegexChars += pattern.Length;
        return regex;
    }

    /// <summary>A field's test while it is read.</summary>
    private sealed class FieldDraft(string key)
    {
        /// <summary>The field's name as written.</summary>
        public string Key { get; } = key;

        /// <summary>The header's name, for the <c>header</c> field.</summary>
        public string? Header { get; set; }

        public List<FieldOperator> Operators { get; } = [];
    }
}
