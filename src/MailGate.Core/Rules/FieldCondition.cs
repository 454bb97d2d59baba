using MailGate.Parse;

namespace MailGate.Rules;

/// <summary>
/// A test of one field, e.g. <c>sender: { ends_with: "@amazon.com" }</c>: every operator must hold. A
/// multi-valued field (recipient, to, cc, header) holds when any one of its values satisfies every
/// operator.
/// </summary>
internal sealed class FieldCondition : ICondition
{
    private const int MaxShownLength = 80;
    private readonly FieldOperator[] operators;

    public FieldCondition(FieldKind field, string? header, IReadOnlyList<FieldOperator> operators)
    {
        Field = field;
        Header = header;
        this.operators = [.. operators];
    }

    public FieldKind Field { get; }

    /// <summary>The header name for <see cref="FieldKind.Header"/>; null otherwise.</summary>
    public string? Header { get; }

    public bool Matches(MessageFacts facts)
    {
        if (!MessageFields.IsMultiValued(Field))
        {
            return AllHold(MessageFields.Single(facts, Field).AsSpan().Trim());
        }

        var values = MessageFields.Multi(facts, Field, Header);
        for (var i = 0; i < values.Count; i++)
        {
            if (AllHold(values[i].AsSpan().Trim()))
            {
                return true;
            }
        }

        return false;
    }

    public bool Explain(MessageFacts facts, ICollection<string> reasons)
    {
        ArgumentNullException.ThrowIfNull(reasons);
        var name = MessageFields.Describe(Field, Header);
        if (!MessageFields.IsMultiValued(Field))
        {
            var value = MessageFields.Single(facts, Field);
            var trimmed = value.AsSpan().Trim();
            var held = new List<string>();
            foreach (var op in operators)
            {
                var index = op.IndexOfMatch(trimmed);
                var (holds, fails) = Operators.Verbs(op.Kind);
                if (index < 0)
                {
                    reasons.Add($"{name} {fails} {Operands(op)} (was {Show(value)})");
                    return false;
                }

                held.Add($"{name} {holds} '{op.Operands[index]}'");
            }

            foreach (var reason in held)
            {
                reasons.Add(reason);
            }

            return true;
        }

        var values = MessageFields.Multi(facts, Field, Header);
        foreach (var value in values)
        {
            if (AllHold(value.AsSpan().Trim()))
            {
                foreach (var op in operators)
                {
                    var index = op.IndexOfMatch(value.AsSpan().Trim());
                    reasons.Add($"{name} {Show(value)} {Operators.Verbs(op.Kind).Holds} '{op.Operands[index]}'");
                }

                return true;
            }
        }

        var shown = values.Count == 0 ? "none" : string.Join(", ", values.Select(Show));
        if (operators.Length == 1)
        {
            reasons.Add($"{name} {Operators.Verbs(operators[0].Kind).Fails} {Operands(operators[0])} (was {shown})");
        }
        else
        {
            var wanted = string.Join(" and ", operators.Select(op => $"{Operators.Verbs(op.Kind).Holds} {Operands(op)}"));
            reasons.Add($"no {name} value {wanted} (was {shown})");
        }

        return false;
    }

    public string Describe() =>
        string.Join(" and ", operators.Select(op => $"{MessageFields.Describe(Field, Header)} {Operators.Verbs(op.Kind).Holds} {Operands(op)}"));

    /// <summary>The operators, every one of which must hold.</summary>
    internal IReadOnlyList<FieldOperator> FieldOperators => operators;

    private bool AllHold(ReadOnlySpan<char> value)
    {
        for (var i = 0; i < operators.Length; i++)
        {
            if (!operators[i].Matches(value))
            {
                return false;
            }
        }

        return true;
    }

    private static string Operands(FieldOperator op) =>
        op.Operands.Count == 1
            ? $"'{op.Operands[0]}'"
            : "any of " + string.Join(", ", op.Operands.Select(o => $"'{o}'"));

    private static string Show(string value) =>
        value.Length <= MaxShownLength ? $"'{value}'" : $"'{value[..MaxShownLength]}…'";
}
