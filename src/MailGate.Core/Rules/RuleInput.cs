
using MailGate.Core.Facts;
using MailGate.Core.Parse;

namespace MailGate.Core.Rules;

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
    /// <summary>Normalised values by <see cref="Field.Index"/>: a string, or a list of strings for a multi-valued field; null until read.</summary>
    private object?[]? _values;
    private Dictionary<string, IReadOnlyList<string>>? _headers;

    /// <summary>What a regex reads in a field read line by line (<see cref="Field.RegexReadsLines"/>), by <see cref="Field.Index"/>.</summary>
    private string?[]? _lines;
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
    internal string Single(Field field)
    {
        var values = _values ??= new object?[Fields.All.Count];
        if (values[field.Index] is not string value)
        {
            value = RuleText.Normalize(field.Value(Facts));
            values[field.Index] = value;
        }

        return value;
    }

    /// <summary>
    /// What a <c>regex</c> (in a condition or an extract) reads in <paramref name="field"/>: a field read
    /// line by line (the body) normalised line by line (<see cref="RuleText.NormalizeLines"/>), computed
    /// once per message; any other single-valued field as <see cref="Single"/> gives it.
    /// </summary>
    internal string ForRegex(Field field)
    {
        if (!field.RegexReadsLines)
        {
            return Single(field);
        }

        var lines = _lines ??= new string?[Fields.All.Count];
        return lines[field.Index] ??= RuleText.NormalizeLines(field.Value(Facts));
    }

    /// <summary>The normalised values of a multi-valued field (of header <paramref name="header"/> for <see cref="Fields.Header"/>).</summary>
    internal IReadOnlyList<string> Multi(Field field, string? header)
    {
        if (field == Fields.Header)
        {
            if (header is null)
            {
                return [];
            }

            _headers ??= new Dictionary<string, IReadOnlyList<string>>(StringComparer.OrdinalIgnoreCase);
            if (!_headers.TryGetValue(header, out var headerValues))
            {
                headerValues = Normalize(field.Values(Facts, header));
                _headers[header] = headerValues;
            }

            return headerValues;
        }

        var values = _values ??= new object?[Fields.All.Count];
        if (values[field.Index] is not IReadOnlyList<string> list)
        {
            list = Normalize(field.Values(Facts, null));
            values[field.Index] = list;
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
