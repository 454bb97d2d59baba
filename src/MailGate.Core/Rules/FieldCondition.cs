
using MailGate.Core.Facts;

namespace MailGate.Core.Rules;

/// <summary>
/// A test of one field, e.g. <c>sender: { ends_with: "@amazon.com" }</c>: every operator must hold. A
/// multi-valued field (recipient, to, cc, header) holds when any one of its values satisfies every
/// operator. Values are read whitespace-normalised from <see cref="RuleInput"/>; a regex on the body
/// reads it with its line breaks kept (<see cref="RuleInput.ForRegex"/>).
/// </summary>
internal sealed class FieldCondition : ICondition
{
    private const int MaxShownLength = 80;
    private readonly FieldOperator[] _operators;

    public FieldCondition(Field field, string? header, IReadOnlyList<FieldOperator> operators)
    {
        Field = field;
        Header = header;
        _operators = [.. operators];
    }

    public Field Field { get; }

    /// <summary>The header name for <see cref="Fields.Header"/>; null otherwise.</summary>
    public string? Header { get; }

    /// <summary>The operators, every one of which must hold.</summary>
    internal IReadOnlyList<FieldOperator> FieldOperators => _operators;

    private string Name => Field.Describe(Header);

    public Truth Evaluate(RuleInput input)
    {
        ArgumentNullException.ThrowIfNull(input);
        if (!Field.IsMultiValued)
        {
            return AllHold(input.Single(Field), input);
        }

        var values = input.Multi(Field, Header);
        var result = Truth.False;
        for (var i = 0; i < values.Count; i++)
        {
            switch (AllHold(values[i], input))
            {
                case Truth.True:
                    return Truth.True;
                case Truth.Unknown:
                    result = Truth.Unknown;
                    break;
            }
        }

        return result;
    }

    public Truth Explain(RuleInput input, ICollection<string> reasons)
    {
        ArgumentNullException.ThrowIfNull(input);
        ArgumentNullException.ThrowIfNull(reasons);
        if (!Field.IsMultiValued)
        {
            var value = input.Single(Field);
            var held = new List<string>();
            string? timedOut = null;
            foreach (var op in _operators)
            {
                var (holds, fails) = Operators.Verbs(op.Kind);
                var seen = ValueFor(op, value, input);
                switch (op.Evaluate(seen, out var index))
                {
                    case Truth.False:
                        reasons.Add($"{Name} {fails} {Operands(op)} (was {Show(seen)})");
                        return Truth.False;
                    case Truth.Unknown:
                        timedOut ??= $"{Name} {op.TimedOut(index)}";
                        break;
                    default:
                        held.Add($"{Name} {holds} '{op.Operands[index]}'");
                        break;
                }
            }

            if (timedOut is not null)
            {
                input.Fail(timedOut);
                reasons.Add($"{timedOut} (was {Show(value)})");
                return Truth.Unknown;
            }

            foreach (var reason in held)
            {
                reasons.Add(reason);
            }

            return Truth.True;
        }

        var values = input.Multi(Field, Header);
        string? undecided = null;
        foreach (var value in values)
        {
            var truth = AllHold(value, input);
            if (truth == Truth.True)
            {
                foreach (var op in _operators)
                {
                    op.Evaluate(value, out var index);
                    reasons.Add($"{Name} {Show(value)} {Operators.Verbs(op.Kind).Holds} '{op.Operands[index]}'");
                }

                return Truth.True;
            }

            if (truth == Truth.Unknown && undecided is null)
            {
                foreach (var op in _operators)
                {
                    if (op.Evaluate(value, out var index) == Truth.Unknown)
                    {
                        undecided = $"{Name} {Show(value)}: {op.TimedOut(index)}";
                        break;
                    }
                }
            }
        }

        if (undecided is not null)
        {
            reasons.Add(undecided);
            return Truth.Unknown;
        }

        var shown = values.Count == 0 ? "none" : string.Join(", ", values.Select(Show));
        if (_operators.Length == 1)
        {
            reasons.Add($"{Name} {Operators.Verbs(_operators[0].Kind).Fails} {Operands(_operators[0])} (was {shown})");
        }
        else
        {
            var wanted = string.Join(" and ", _operators.Select(op => $"{Operators.Verbs(op.Kind).Holds} {Operands(op)}"));
            reasons.Add($"no {Name} value {wanted} (was {shown})");
        }

        return Truth.False;
    }

    public string Describe() =>
        string.Join(" and ", _operators.Select(op => $"{Name} {Operators.Verbs(op.Kind).Holds} {Operands(op)}"));

    /// <summary>Every operator on one value: False as soon as one fails; Unknown (noted on <paramref name="input"/>) when none failed but one timed out.</summary>
    private Truth AllHold(string value, RuleInput input)
    {
        var result = Truth.True;
        for (var i = 0; i < _operators.Length; i++)
        {
            switch (_operators[i].Evaluate(ValueFor(_operators[i], value, input), out var index))
            {
                case Truth.False:
                    return Truth.False;
                case Truth.Unknown:
                    input.Fail($"{Name} {_operators[i].TimedOut(index)}");
                    result = Truth.Unknown;
                    break;
            }
        }

        return result;
    }

    /// <summary>The value <paramref name="op"/> reads: the body's lines for a regex on the body, else <paramref name="value"/>.</summary>
    private string ValueFor(FieldOperator op, string value, RuleInput input) =>
        Field.RegexReadsLines && op.Kind == OperatorKind.Regex ? input.ForRegex(Field) : value;

    private static string Operands(FieldOperator op) =>
        op.Operands.Count == 1
            ? $"'{op.Operands[0]}'"
            : "any of " + string.Join(", ", op.Operands.Select(o => $"'{o}'"));

    private static string Show(string value) =>
        value.Length <= MaxShownLength ? $"'{value}'" : $"'{value[..MaxShownLength]}…'";
}
