using MailGate.Parse;

namespace MailGate.Rules;

/// <summary>
/// One message as rules see it: its <see cref="MessageFacts"/>, with every text value that conditions,
/// extracts and templates read whitespace-normalised by <see cref="RuleText"/> — each value at most once
/// per message, however many rules read it (values already normal are not copied); a <c>regex</c> reads
/// the body with its line breaks kept (<see cref="ForRegex"/>). Also notes what went
/// wrong while a rule was evaluated (a regex that timed out), for <see cref="RuleEvaluator"/> to report.
/// </summary>
/// <remarks>One per evaluation; not thread-safe.</remarks>
public sealed class RuleInput
{
    private static readonly int FieldCount = Enum.GetValues<FieldKind>().Length;

    /// <summary>Normalised values by <see cref="FieldKind"/>: a string, or a list of strings for a multi-valued field; null until read.</summary>
    private object?[]? _values;
    private Dictionary<string, IReadOnlyList<string>>? _headers;
    private string? _bodyLines;
    private string? _failure;

    /// <summary>Wraps <paramref name="facts"/>; nothing is normalised until a rule reads it.</summary>
    public RuleInput(MessageFacts facts)
    {
        ArgumentNullException.ThrowIfNull(facts);
        Facts = facts;
    }

    /// <summary>The message's facts as parsed (not normalised).</summary>
    public MessageFacts Facts { get; }

    /// <summary>The normalised value of a single-valued field.</summary>
    internal string Single(FieldKind kind)
    {
        var values = _values ??= new object?[FieldCount];
        if (values[(int)kind] is not string value)
        {
            value = RuleText.Normalize(MessageFields.Single(Facts, kind));
            values[(int)kind] = value;
        }

        return value;
    }

    /// <summary>
    /// What a <c>regex</c> (in a condition or an extract) reads in <paramref name="kind"/>: the body
    /// normalised line by line (<see cref="RuleText.NormalizeLines"/>), computed once per message; any
    /// other single-valued field as <see cref="Single"/> gives it.
    /// </summary>
    internal string ForRegex(FieldKind kind) =>
        kind == FieldKind.Body ? _bodyLines ??= RuleText.NormalizeLines(MessageFields.Single(Facts, kind)) : Single(kind);

    /// <summary>The normalised values of a multi-valued field (of header <paramref name="header"/> for <see cref="FieldKind.Header"/>).</summary>
    internal IReadOnlyList<string> Multi(FieldKind kind, string? header)
    {
        if (kind == FieldKind.Header)
        {
            if (header is null)
            {
                return [];
            }

            _headers ??= new Dictionary<string, IReadOnlyList<string>>(StringComparer.OrdinalIgnoreCase);
            if (!_headers.TryGetValue(header, out var headerValues))
            {
                headerValues = Normalize(MessageFields.Multi(Facts, kind, header));
                _headers[header] = headerValues;
            }

            return headerValues;
        }

        var values = _values ??= new object?[FieldCount];
        if (values[(int)kind] is not IReadOnlyList<string> list)
        {
            list = Normalize(MessageFields.Multi(Facts, kind, null));
            values[(int)kind] = list;
        }

        return list;
    }

    /// <summary>Notes why the rule being evaluated could not be decided; the first note since <see cref="TakeFailure"/> is kept.</summary>
    internal void Fail(string detail) => _failure ??= detail;

    /// <summary>The note left by <see cref="Fail"/> since the last call, and forgets it.</summary>
    internal string? TakeFailure()
    {
        var failure = _failure;
        _failure = null;
        return failure;
    }

    private static IReadOnlyList<string> Normalize(IReadOnlyList<string> values)
    {
        for (var i = 0; i < values.Count; i++)
        {
            if (!RuleText.IsNormal(values[i]))
            {
                var normalised = new string[values.Count];
                for (var j = 0; j < values.Count; j++)
                {
                    normalised[j] = RuleText.Normalize(values[j]);
                }

                return normalised;
            }
        }

        return values;
    }
}
