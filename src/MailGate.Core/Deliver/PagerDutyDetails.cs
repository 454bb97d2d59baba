using System.Text.Json.Nodes;
using System.Text.Json.Serialization;

namespace MailGate.Core.Deliver;

/// <summary>
/// The <c>custom_details</c> MailGate sends: the facts a responder needs first (<see cref="Facts"/>, one
/// entry per registry field used in the details) and what the decision added (<see cref="Trusted"/>,
/// <see cref="Rule"/>, …). Written and read by <see cref="PagerDutyDetailsConverter"/> in a fixed order.
/// </summary>
[JsonConverter(typeof(PagerDutyDetailsConverter))]
public sealed record PagerDutyDetails
{
    /// <summary>
    /// The facts, keyed by <c>Field.Key</c> (<c>sender</c>, <c>recipients</c>, <c>body</c>, <c>body_truncated</c>, …):
    /// strings, arrays of strings and booleans, escaped and bounded; the fields only one source has in that
    /// source's object (<c>support_case</c>). Built by <see cref="PagerDutyFactDetails"/> from the field registry.
    /// </summary>
    public JsonObject Facts { get; init; } = [];

    /// <summary>False when a rule that requires trust matched an unverified message (the page is marked).</summary>
    public bool Trusted { get; init; } = true;

    /// <summary>The rule that matched.</summary>
    public string Rule { get; init; } = "";

    /// <summary>The rules file version (hash) that decided.</summary>
    public string RulesVersion { get; init; } = "";

    /// <summary>Values the rule extracted (account id, report id, …).</summary>
    public IReadOnlyDictionary<string, string> Extracted { get; init; } = new Dictionary<string, string>();

    /// <summary>By when the notice must be answered (<c>reply_by</c>): UTC <c>2026-11-17T10:00:00Z</c>, or a date; only for rules with <c>reply_within</c>.</summary>
    public string? ReplyBy { get; init; }

    /// <summary>Where <see cref="ReplyBy"/> comes from (<c>reply_by_basis</c>): the deadline the notice states, or receipt + the rule's <c>reply_within</c>.</summary>
    public string? ReplyByBasis { get; init; }

    /// <summary>The string fact under <paramref name="key"/> (<c>spool_id</c>), or null when there is none.</summary>
    public string? Text(string key) => Facts[key] is JsonValue value && value.TryGetValue<string>(out var text) ? text : null;

    /// <summary>A source's own object (<c>support_case</c>), or null when the facts come from another source.</summary>
    public JsonObject? Section(string key) => Facts[key] as JsonObject;

    /// <summary>Equal when every member is, the facts compared by value.</summary>
    public bool Equals(PagerDutyDetails? other) =>
        other is not null
        && JsonNode.DeepEquals(Facts, other.Facts)
        && Trusted == other.Trusted
        && Rule == other.Rule
        && RulesVersion == other.RulesVersion
        && Extracted.Count == other.Extracted.Count
        && Extracted.All(kv => other.Extracted.TryGetValue(kv.Key, out var value) && value == kv.Value)
        && ReplyBy == other.ReplyBy
        && ReplyByBasis == other.ReplyByBasis;

    public override int GetHashCode() => HashCode.Combine(Facts.Count, Trusted, Rule, RulesVersion, ReplyBy);
}
