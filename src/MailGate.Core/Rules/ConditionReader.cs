using System.Globalization;
using System.Text.RegularExpressions;
using MailGate.Facts;
using YamlDotNet.RepresentationModel;

namespace MailGate.Rules;

/// <summary>
/// Reads a <c>when</c> mapping into an <see cref="ICondition"/>: field tests plus nested
/// <c>any</c>/<c>all</c>/<c>not</c>, all of which must hold.
/// </summary>
internal static class ConditionReader
{
    private static readonly string Keys = Fields.ConditionNames + ", any, all, not";

    /// <summary>Reads a when-style mapping; null when it has errors (already reported).</summary>
    public static ICondition? Read(ParseContext context, YamlNode node, string what)
    {
        var mapping = context.NonEmptyMapping(node, what, $"{what} is empty (omit 'when' to match every message)");
        if (mapping is null)
        {
            return null;
        }

        var parts = new List<ICondition>();
        var ok = true;
        foreach (var (keyNode, valueNode) in mapping.Children)
        {
            var key = context.Key(keyNode);
            ICondition? part = key switch
            {
                null => null,
                "any" => ReadList(context, valueNode, "any", static p => new AnyCondition(p)),
                "all" => ReadList(context, valueNode, "all", static p => new AllCondition(p)),
                "not" => Read(context, valueNode, "'not'") is { } inner ? new NotCondition(inner) : null,
                "authenticated" => ReadAuthenticated(context, valueNode),
                _ => Fields.Condition(key) is { } field
                    ? ReadField(context, field, key, valueNode)
                    : UnknownField(context, keyNode, key),
            };

            if (part is null)
            {
                ok = false;
            }
            else
            {
                parts.Add(part);
            }
        }

        return !ok ? null : parts.Count == 1 ? parts[0] : new AllCondition(parts);
    }

    private static ICondition? ReadAuthenticated(ParseContext context, YamlNode node)
    {
        var mapping = context.NonEmptyMapping(node, "'authenticated'", $"'authenticated' is empty (expected one or more of: {AuthenticatedCondition.Keys})");
        if (mapping is null)
        {
            return null;
        }

        var parts = new List<ICondition>();
        var ok = true;
        foreach (var (keyNode, valueNode) in mapping.Children)
        {
            var key = context.Key(keyNode);
            if (key is null)
            {
                ok = false;
                continue;
            }

            if (AuthenticatedCondition.Parse(key) is not { } check)
            {
                context.Error(keyNode, $"unknown authentication check '{key}' (expected one of: {AuthenticatedCondition.Keys})");
                ok = false;
                continue;
            }

            var domains = context.Scalars(valueNode, $"'authenticated.{key}'");
            if (domains is null)
            {
                ok = false;
                continue;
            }

            if (domains.Any(d => string.IsNullOrWhiteSpace(d.Value)))
            {
                context.Error(valueNode, $"'authenticated.{key}' needs domains, not blanks");
                ok = false;
                continue;
            }

            parts.Add(new AuthenticatedCondition(check, [.. domains.Select(d => d.Value)]));
        }

        return !ok ? null : parts.Count == 1 ? parts[0] : new AllCondition(parts);
    }

    private static ICondition? UnknownField(ParseContext context, YamlNode keyNode, string key)
    {
        context.Error(keyNode, $"unknown field '{key}' (expected one of: {Keys})");
        return null;
    }

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

        string? header = null;
        var operators = new List<FieldOperator>();
        var ok = true;
        foreach (var (opKeyNode, opValueNode) in mapping.Children)
        {
            var opName = context.Key(opKeyNode);
            if (opName is null)
            {
                ok = false;
                continue;
            }

            if (field == Fields.Header && opName == "name")
            {
                header = context.Scalar(opValueNode, "the header 'name'")?.Trim();
                ok &= header is not null;
                continue;
            }

            var op = ReadOperator(context, key, opName, opKeyNode, opValueNode);
            ok &= op is not null;
            if (op is not null)
            {
                operators.Add(op);
            }
        }

        if (field == Fields.Header && header is null && ok)
        {
            context.Error(node, "field 'header' needs 'name' (the header's name, e.g. name: X-Mailer)");
            ok = false;
        }

        if (ok && operators.Count == 0)
        {
            context.Error(node, $"field '{key}' has no operator (expected one of: {Operators.Names})");
            ok = false;
        }

        return ok ? new FieldCondition(field, header, operators) : null;
    }

    private static FieldOperator? ReadOperator(ParseContext context, string field, string name, YamlNode keyNode, YamlNode valueNode)
    {
        if (Operators.Parse(name) is not { } kind)
        {
            var hint = field == "header" ? "name, " : "";
            context.Error(keyNode, $"unknown operator '{name}' (expected one of: {hint}{Operators.Names})");
            return null;
        }

        var values = context.Scalars(valueNode, $"'{field}: {name}'");
        if (values is null)
        {
            return null;
        }

        if (kind == OperatorKind.Domain)
        {
            foreach (var (value, node) in values)
            {
                if (value.Trim().TrimStart('@').Trim('.').Length == 0)
                {
                    context.Error(node, "'domain' needs a domain name, e.g. amazon.com");
                    return null;
                }
            }
        }

        if (kind != OperatorKind.Regex)
        {
            return new FieldOperator(kind, values.ConvertAll(v => v.Value));
        }

        var regexes = new List<Regex>();
        foreach (var (value, node) in values)
        {
            var regex = ReadRegex(context, value, node);
            if (regex is null)
            {
                return null;
            }

            regexes.Add(regex);
        }

        return new FieldOperator(kind, values.ConvertAll(v => v.Value), regexes);
    }

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
}
