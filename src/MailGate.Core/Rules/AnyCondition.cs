namespace MailGate.Core.Rules;

/// <summary>
/// Holds when at least one part holds: <c>any: [...]</c>. True as soon as one part is True; otherwise
/// Unknown when a part could not be decided (<see cref="Truth"/>).
/// </summary>
internal sealed class AnyCondition(IReadOnlyList<ICondition> parts) : ICondition
{
    private readonly ICondition[] _parts = [.. parts];

    public IReadOnlyList<ICondition> Parts => _parts;

    public string Describe() => string.Join(" or ", _parts.Select(p => p is AllCondition ? $"({p.Describe()})" : p.Describe()));

    public Truth Evaluate(RuleInput input)
    {
        var result = Truth.False;
        for (var i = 0; i < _parts.Length; i++)
        {
            switch (_parts[i].Evaluate(input))
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
        ArgumentNullException.ThrowIfNull(reasons);
        var failures = new List<string>();
        List<string>? unknown = null;
        foreach (var part in _parts)
        {
            var partReasons = new List<string>();
            switch (part.Explain(input, partReasons))
            {
                case Truth.True:
                    foreach (var reason in partReasons)
                    {
                        reasons.Add(reason);
                    }

                    return Truth.True;
                case Truth.Unknown:
                    (unknown ??= []).AddRange(partReasons);
                    break;
                default:
                    failures.Add(string.Join("; ", partReasons));
                    break;
            }
        }

        if (unknown is not null)
        {
            reasons.Add($"no part of any held, and {string.Join("; ", unknown)}");
            return Truth.Unknown;
        }

        reasons.Add($"none of any held ({string.Join(" | ", failures)})");
        return Truth.False;
    }
}
