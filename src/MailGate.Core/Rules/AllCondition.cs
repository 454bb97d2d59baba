using MailGate.Parse;

namespace MailGate.Rules;

/// <summary>Holds when every part holds: several fields under one <c>when</c>, or <c>all: [...]</c>.</summary>
internal sealed class AllCondition(IReadOnlyList<ICondition> parts) : ICondition
{
    private readonly ICondition[] parts = [.. parts];

    public IReadOnlyList<ICondition> Parts => parts;

    public bool Matches(MessageFacts facts)
    {
        for (var i = 0; i < parts.Length; i++)
        {
            if (!parts[i].Matches(facts))
            {
                return false;
            }
        }

        return true;
    }

    public string Describe() => parts.Length == 1 ? parts[0].Describe() : string.Join(" and ", parts.Select(p => p is AnyCondition ? $"({p.Describe()})" : p.Describe()));

    public bool Explain(MessageFacts facts, ICollection<string> reasons)
    {
        ArgumentNullException.ThrowIfNull(reasons);
        var held = new List<string>();
        foreach (var part in parts)
        {
            var partReasons = new List<string>();
            if (!part.Explain(facts, partReasons))
            {
                foreach (var reason in partReasons)
                {
                    reasons.Add(reason);
                }

                return false;
            }

            held.AddRange(partReasons);
        }

        foreach (var reason in held)
        {
            reasons.Add(reason);
        }

        return true;
    }
}
