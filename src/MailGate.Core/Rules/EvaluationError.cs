namespace MailGate.Core.Rules;

/// <summary>
/// Something that went wrong while evaluating one rule on one message, e.g. a regex that exceeded its
/// match timeout. Never silent: the gateway logs it at Error and counts it
/// (<c>mailgate_rules_errors_total{rule,reason}</c>); see <see cref="Decision.Undecided"/>.
/// </summary>
/// <param name="Rule">The rule's name.</param>
/// <param name="Reason">A short stable code for metrics: <see cref="RegexTimeout"/>.</param>
/// <param name="Detail">For people: where it happened, e.g. <c>when: subject regex '…' timed out after 100 ms</c>.</param>
/// <param name="PageRule">
/// True when the failure may have kept a page from being sent: the rule pages (it is not a drop rule)
/// and its condition, its trust check or its extracts could not be completed.
/// </param>
public sealed record EvaluationError(string Rule, string Reason, string Detail, bool PageRule)
{
    /// <summary>The <see cref="Reason"/> of a regex that ran past its match timeout.</summary>
    public const string RegexTimeout = "regex_timeout";
}
