namespace MailGate.Core.Rules;

/// <summary>One compiled entry of the <c>rules:</c> list.</summary>
public sealed class Rule
{
    /// <summary>A rule named <paramref name="name"/> starting on <paramref name="line"/>; the rest is set by name (<c>init</c>).</summary>
    internal Rule(string name, int line)
    {
        Name = name;
        Line = line;
    }

    /// <summary>Whether the rule pages only for trusted messages (<c>trust: required</c>); others get the untrusted treatment.</summary>
    public bool RequiresTrust { get; internal init; }

    /// <summary>The rule's unique name, used in dedup keys, logs and explain traces.</summary>
    public string Name { get; }

    /// <summary>The 1-based line the rule starts on.</summary>
    public int Line { get; }

    /// <summary>The condition; null when the rule has no <c>when</c> and so matches every message.</summary>
    public ICondition? When { get; internal init; }

    /// <summary>The route a match goes to; null for a drop rule.</summary>
    public string? RouteName { get; internal init; }

    /// <summary>True for <c>action: drop</c>: a match stops evaluation and pages nobody.</summary>
    public bool Drop { get; internal init; }

    /// <summary>True when evaluation goes on after this rule matches.</summary>
    public bool Continue { get; internal init; }

    /// <summary>The rule's severity override; null to use the route's.</summary>
    public string? Severity { get; internal init; }

    /// <summary>The summary template; null for the default (the subject).</summary>
    public Template? Summary { get; internal init; }

    /// <summary>The dedup-key template; null for the default (rule name and Message-ID hash).</summary>
    public Template? DedupKey { get; internal init; }

    /// <summary>
    /// <c>reply_within</c>: the notices this rule pages for must be answered within this time, so each
    /// page carries a <see cref="ReplyDeadline"/> (the one the notice states, else receipt + this); null: none.
    /// </summary>
    public TimeSpan? ReplyWithin { get; internal init; }

    /// <summary>The named values extracted for templates, in file order.</summary>
    public IReadOnlyList<Extraction> Extractions { get; internal init; } = [];

    public override string ToString() => Drop ? $"{Name} (drop)" : $"{Name} -> {RouteName}";
}
