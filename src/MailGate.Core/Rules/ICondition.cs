using MailGate.Parse;

namespace MailGate.Rules;

/// <summary>A compiled <c>when</c> condition: a field test or an any/all/not combination of them.</summary>
public interface ICondition
{
    /// <summary>Whether the condition holds; the hot path, allocation-free.</summary>
    bool Matches(MessageFacts facts);

    /// <summary>
    /// Whether the condition holds, adding human-readable reasons to <paramref name="reasons"/>: why it
    /// held when it did, why it failed when it did not. Slow; used for explain traces only.
    /// </summary>
    bool Explain(MessageFacts facts, ICollection<string> reasons);

    /// <summary>The condition as one line of text, e.g. <c>sender ends with '@amazon.com' and subject contains 'Abuse'</c>.</summary>
    string Describe();
}
