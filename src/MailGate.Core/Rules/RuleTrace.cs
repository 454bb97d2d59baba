namespace MailGate.Rules;

/// <summary>Why one rule did or did not match; recorded only when evaluating with explain.</summary>
public sealed record RuleTrace(string Rule, bool Matched, string Reason);
