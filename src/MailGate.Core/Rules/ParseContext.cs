using YamlDotNet.RepresentationModel;

namespace MailGate.Core.Rules;

/// <summary>
/// State shared while reading one rules file: the errors found so far (all of them, not just the
/// first), the rule being read, and node-type helpers that report mismatches with positions.
/// </summary>
internal sealed class ParseContext(string source, RulesLoadOptions options)
{
    private readonly List<RuleError> _errors = [];

    public string Source { get; } = source;

    public RulesLoadOptions Options { get; } = options;

    public IReadOnlyList<RuleError> Errors => _errors;

    /// <summary>The name (or <c>#n</c>) of the rule being read; null outside rules.</summary>
    public string? Rule { get; set; }

    /// <summary>The node the helpers below looked at last: where to report a failure of the loader itself.</summary>
    public YamlNode? Last { get; private set; }

    /// <summary>
    /// The regexes compiled so far, by pattern: a pattern written (or aliased) many times is compiled
    /// once, and <see cref="RegexChars"/> counts each pattern once (<see cref="RulesLimits.MaxRegexes"/>).
    /// </summary>
    public Dictionary<string, System.Text.RegularExpressions.Regex> Regexes { get; } = new(StringComparer.Ordinal);

    /// <summary>The characters of the distinct patterns in <see cref="Regexes"/>.</summary>
    public int RegexChars { get; set; }

    /// <summary>Whether crossing a regex bound has been reported (once per file).</summary>
    public bool RegexLimitReported { get; set; }

    public void Error(YamlNode node, string message) =>
        Error((int)node.Start.Line, (int)node.Start.Column, message);

    public void Error(int line, int column, string message) =>
        _errors.Add(new RuleError(Source, line, column, Rule, message));

    /// <summary>The node as a mapping, or null after reporting that <paramref name="what"/> must be one.</summary>
    public YamlMappingNode? Mapping(YamlNode node, string what)
    {
        Last = node;
        if (node is YamlMappingNode mapping)
        {
            return mapping;
        }

        Error(node, $"{what} must be a mapping (key: value lines), found {Describe(node)}");
        return null;
    }

    /// <summary>
    /// The node as a mapping with at least one entry, or null after reporting that <paramref name="what"/>
    /// must be a mapping, or <paramref name="whenEmpty"/> when it is an empty one.
    /// </summary>
    public YamlMappingNode? NonEmptyMapping(YamlNode node, string what, string whenEmpty)
    {
        var mapping = Mapping(node, what);
        if (mapping is { Children.Count: 0 })
        {
            Error(node, whenEmpty);
            return null;
        }

        return mapping;
    }

    /// <summary>The node as a sequence, or null after reporting that <paramref name="what"/> must be one.</summary>
    public YamlSequenceNode? Sequence(YamlNode node, string what)
    {
        Last = node;
        if (node is YamlSequenceNode sequence)
        {
            return sequence;
        }

        Error(node, $"{what} must be a list, found {Describe(node)}");
        return null;
    }

    /// <summary>The node's text, or null after reporting that <paramref name="what"/> must be a single value.</summary>
    public string? Scalar(YamlNode node, string what)
    {
        Last = node;
        if (node is YamlScalarNode { Value: not null } scalar && !IsEmpty(scalar))
        {
            return scalar.Value;
        }

        Error(node, $"{what} must be a single value, found {Describe(node)}");
        return null;
    }

    /// <summary>
    /// The node's text values: one for a scalar, each element's for a non-empty list of scalars; null
    /// after reporting otherwise.
    /// </summary>
    public List<(string Value, YamlNode Node)>? Scalars(YamlNode node, string what)
    {
        if (node is YamlScalarNode)
        {
            var value = Scalar(node, what);
            return value is null ? null : [(value, node)];
        }

        if (node is YamlSequenceNode sequence)
        {
            if (sequence.Children.Count == 0)
            {
                Error(node, $"{what} must not be an empty list");
                return null;
            }

            var values = new List<(string, YamlNode)>();
            foreach (var child in sequence.Children)
            {
                var value = Scalar(child, what);
                if (value is not null)
                {
                    values.Add((value, child));
                }
            }

            return values.Count == sequence.Children.Count ? values : null;
        }

        Error(node, $"{what} must be a value or a list of values, found {Describe(node)}");
        return null;
    }

    /// <summary>The key's text; reports keys that are not plain values.</summary>
    public string? Key(YamlNode key) => Scalar(key, "a key");

    public static string Describe(YamlNode node) => node switch
    {
        YamlMappingNode => "a mapping",
        YamlSequenceNode => "a list",
        YamlScalarNode scalar when IsEmpty(scalar) => "an empty value",
        YamlScalarNode => "a single value",
        _ => "an alias",
    };

    /// <summary>An unquoted empty value or <c>~</c>/<c>null</c>: YAML's null.</summary>
    private static bool IsEmpty(YamlScalarNode scalar) =>
        scalar.Style is YamlDotNet.Core.ScalarStyle.Plain or YamlDotNet.Core.ScalarStyle.Any
        && (string.IsNullOrEmpty(scalar.Value) || scalar.Value is "~" or "null" or "Null" or "NULL");
}
