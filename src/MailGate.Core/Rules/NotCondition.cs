using MailGate.Parse;

namespace MailGate.Rules;

/// <summary>Holds when its part does not: <c>not: {...}</c>.</summary>
internal sealed class NotCondition(ICondition part) : ICondition
{
    public ICondition Part { get; } = part;

    public bool Matches(MessageFacts facts) => !Part.Matches(facts);

    public string Describe() => $"not ({Part.Describe()})";

    public bool Explain(MessageFacts facts, ICollection<string> reasons)
    {
        ArgumentNullException.ThrowIfNull(reasons);
        var partReasons = new List<string>();
        var held = Part.Explain(facts, partReasons);
        var joined = string.Join("; ", partReasons);
        reasons.Add(held ? $"excluded by not ({joined})" : $"not ({joined})");
        return !held;
    }
}
