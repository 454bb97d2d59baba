namespace MailGate.Core.Rules;

/// <summary>A rule that matched and routes the message: everything the event builder needs from the rules.</summary>
/// <param name="Rule">The rule's name.</param>
/// <param name="Route">The route's name.</param>
/// <param name="Severity">The rule's severity override, else the route's.</param>
/// <param name="Summary">The rendered summary, not truncated.</param>
/// <param name="DedupKey">The rendered dedup key, at most 255 characters.</param>
/// <param name="Extracted">The rule's extracted values by name.</param>
/// <param name="Trusted">False when the rule requires trust and the message is not trusted: the untrusted treatment applied.</param>
/// <param name="ReplyBy">By when the notice must be answered, for rules with <c>reply_within</c>; null otherwise.</param>
public sealed record RuleMatch(
    string Rule,
    string Route,
    string Severity,
    string Summary,
    string DedupKey,
    IReadOnlyDictionary<string, string> Extracted,
    bool Trusted = true,
    ReplyDeadline? ReplyBy = null);
