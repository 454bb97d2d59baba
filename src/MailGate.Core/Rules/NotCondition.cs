namespace MailGate.Core.Rules;

/// <summary>Holds when its part does not: <c>not: {...}</c>. A part that could not be decided leaves the <c>not</c> undecided too.</summary>
internal sealed class NotCondition(ICondition part) : ICondition
{
    public ICondition Part { get; } = part;

    public Truth Evaluate(RuleInput input) => Negate(Part.Evaluate(input));

    public string Describe() => $"not ({Part.Describe()})";

    public Truth Explain(RuleInput input, ICollection<string> reasons)
    {
        ArgumentNullException.ThrowIfNull(reasons);
        var partReasons = new List<string>();
        var held = Part.Explain(input, partReasons);
        var joined = string.Join("; ", partReasons);
        reasons.Add(held switch
        {
            Truth.True => $"excluded by not ({joined})",
            Truth.False => $"not ({joined})",
            _ => $"not (undecided: {joined})",
        });
        return Negate(held);
    }

    private static Truth Negate(Truth truth) => truth switch
    {
        Truth.True => Truth.False,
        Truth.False => Truth.True,
        _ => Truth.Unknown,
    };
}
