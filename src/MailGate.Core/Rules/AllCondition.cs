namespace MailGate.Core.Rules;

/// <summary>
/// Holds when every part holds: several fields under one <c>when</c>, or <c>all: [...]</c>. False as soon
/// as one part is False; otherwise Unknown when a part could not be decided (<see cref="Truth"/>).
/// </summary>
internal sealed class AllCondition(IReadOnlyList<ICondition> parts) : ICondition
{
    private readonly ICondition[] _parts = [.. parts];

    public IReadOnlyList<ICondition> Parts => _parts;

    public Truth Evaluate(RuleInput input)
    {
        var result = Truth.True;
        for (var i = 0; i < _parts.Length; i++)
        {
            switch (_parts[i].Evaluate(input))
            {
                case Truth.False:
                    return Truth.False;
                case Truth.Unknown:
                    result = Truth.Unknown;
                    break;
            }
        }

        return result;
    }

    public string Describe() => _parts.Length == 1 ? _parts[0].Describe() : string.Join(" and ", _parts.Select(p => p is AnyCondition ? $"({p.Describe()})" : p.Describe()));

    public Truth Explain(RuleInput input, ICollection<string> reasons)
    {
        ArgumentNullException.ThrowIfNull(reasons);
        var held = new List<string>();
        List<string>? unknown = null;
        foreach (var part in _parts)
        {
            var partReasons = new List<string>();
            switch (part.Explain(input, partReasons))
            {
                case Truth.False:
                    foreach (var reason in partReasons)
                    {
                        reasons.Add(reason);
                    }

                    return Truth.False;
                case Truth.Unknown:
                    (unknown ??= []).AddRange(partReasons);
                    break;
                default:
                    held.AddRange(partReasons);
                    break;
            }
        }

        foreach (var reason in unknown ?? held)
        {
            reasons.Add(reason);
        }

        return unknown is null ? Truth.True : Truth.Unknown;
    }
}
