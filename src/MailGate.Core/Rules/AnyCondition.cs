using MailGate.Parse;

namespace MailGate.Rules;

/// <summary>Holds when at least one part holds: <c>any: [...]</c>.</summary>
internal sealed class AnyCondition(IReadOnlyList<ICondition> parts) : ICondition
{
    private readonly ICondition[] parts = [.. parts];

    public IReadOnlyList<ICondition> Parts => parts;

    public string Describe() => string.Join(" or ", parts.Select(p => p is AllCondition ? $"({p.Describe()})" : p.Describe()));

    public bool Matches(MessageFacts facts)
    {
        for (var i = 0; i < parts.Length; i++)
        {
            if (parts[i].Matches(facts))
            {
                return true;
            }
        }

        return false;
    }

    public bool Explain(MessageFacts facts, ICollection<string> reasons)
    {
        ArgumentNullException.ThrowIfNull(reasons);
        var failures = new List<string>();
        foreach (var part in parts)
        {
            var partReasons = new List<string>();
            if (part.Explain(facts, partReasons))
            {
                foreach (var reason in partReasons)
                {
                    reasons.Add(reason);
                }

                return true;
            }

            failures.Add(string.Join("; ", partReasons));
        }

        reasons.Add($"none of any held ({string.Join(" | ", failures)})");
        return false;
    }
}
