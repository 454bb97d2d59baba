namespace MailGate.Core.Rules;

/// <summary>
/// Why one rule did or did not match; recorded only when evaluating with explain. A rule that could not
/// be evaluated has <paramref name="Matched"/> false and a <paramref name="Reason"/> starting with
/// <see cref="ErrorPrefix"/>, e.g. <c>error: regex timed out: subject regex '…' timed out after 100 ms</c>.
/// </summary>
public sealed record RuleTrace(string Rule, bool Matched, string Reason)
{
    /// <summary>How the reason of a rule that failed begins.</summary>
    public const string ErrorPrefix = "error: ";

    /// <summary>Whether the rule could not be evaluated (see <see cref="Decision.Errors"/>).</summary>
    public bool Failed => Reason.StartsWith(ErrorPrefix, StringComparison.Ordinal);
}
