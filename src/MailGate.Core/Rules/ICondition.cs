namespace MailGate.Core.Rules;

/// <summary>A compiled <c>when</c> condition: a field test or an any/all/not combination of them.</summary>
public interface ICondition
{
    /// <summary>
    /// Whether the condition holds for the message, under three-valued logic (<see cref="Truth"/>): Unknown
    /// when a regex it needed timed out (noted on <paramref name="input"/>). The hot path, allocation-free
    /// but for the normalised values <paramref name="input"/> caches.
    /// </summary>
    Truth Evaluate(RuleInput input);

    /// <summary>
    /// <see cref="Evaluate"/>, adding human-readable reasons to <paramref name="reasons"/>: why it held when
    /// it did, why it failed when it did not, what timed out when it could not be decided. Slow; used for
    /// explain traces only.
    /// </summary>
    Truth Explain(RuleInput input, ICollection<string> reasons);

    /// <summary>The condition as one line of text, e.g. <c>sender ends with '@amazon.com' and subject contains 'Abuse'</c>.</summary>
    string Describe();
}
