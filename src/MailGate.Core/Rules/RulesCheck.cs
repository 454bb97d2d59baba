
using MailGate.Core.Facts;

namespace MailGate.Core.Rules;

/// <summary>
/// Lint for a loaded rule set: what <c>mailgate rules check</c> warns about beyond load errors.
/// Pure: the rule set in, warnings out.
/// </summary>
public static class RulesCheck
{
    /// <summary>Every warning for <paramref name="rules"/>, in file order.</summary>
    public static IReadOnlyList<RuleWarning> Warnings(RuleSet rules)
    {
        ArgumentNullException.ThrowIfNull(rules);
        var warnings = new List<RuleWarning>();
        Rule? catchAll = null;
        foreach (var rule in rules.Rules)
        {
            if (catchAll is not null)
            {
                warnings.Add(new RuleWarning(rule.Line, rule.Name,
                    $"never reached: rule '{catchAll.Name}' (line {catchAll.Line}) above matches every message and stops evaluation"));
            }
            else if (rule.When is { } when && Contradiction(when) is { } reason)
            {
                warnings.Add(new RuleWarning(rule.Line, rule.Name, $"can never match: {reason}"));
            }

            if (rule.Name.Length == 0)
            {
                warnings.Add(new RuleWarning(rule.Line, null, "a rule with an empty name: logs, metrics and incidents cannot tell which rule matched; give it a name (renaming changes its dedup keys)"));
            }

            foreach (var extraction in rule.Extractions.Where(e => Fields.Placeholder(e.Name) is not null))
            {
                warnings.Add(new RuleWarning(rule.Line, rule.Name,
                    $"extract '{extraction.Name}' has the name of a built-in placeholder: in this rule's summary and dedup_key {{{extraction.Name}}} is the extracted value, or the built-in one when the extract finds nothing"));
            }

            if (catchAll is null && rule.When is null && !rule.Continue)
            {
                catchAll = rule;
            }
        }

        var used = rules.Rules.Where(r => r.RouteName is not null).Select(r => r.RouteName!).ToHashSet(StringComparer.Ordinal);
        if (rules.Trust?.Untrusted.Route is { } untrustedRoute)
        {
            used.Add(untrustedRoute);
        }

        if (rules.Coverage is { } coverage)
        {
            used.Add(coverage.Route);
        }
        foreach (var route in rules.Routes.Values)
        {
            if (!used.Contains(route.Name))
            {
                warnings.Add(new RuleWarning(0, null, $"route '{route.Name}' is not used by any rule"));
            }

            if (route.PagerDuty.MissingVariable is { } variable)
            {
                warnings.Add(new RuleWarning(0, null, $"route '{route.Name}': ${{{variable}}} is not set in this environment; the gateway would refuse to start (or run this route dry with the default rules file)"));
            }
        }

        return warnings;
    }

    /// <summary>
    /// A reason the condition can never hold, when it is evident: within one <c>all</c>, a single-valued
    /// field required to equal two different values.
    /// </summary>
    private static string? Contradiction(ICondition condition)
    {
        switch (condition)
        {
            case AllCondition all:
                var equals = new Dictionary<Field, HashSet<string>>();
                foreach (var part in all.Parts)
                {
                    if (part is FieldCondition field && !field.Field.IsMultiValued)
                    {
                        foreach (var op in field.FieldOperators.Where(o => o.Kind == OperatorKind.Equal))
                        {
                            var allowed = op.Operands.ToHashSet(StringComparer.OrdinalIgnoreCase);
                            if (equals.TryGetValue(field.Field, out var earlier))
                            {
                                earlier.IntersectWith(allowed);
                                if (earlier.Count == 0)
                                {
                                    return $"{field.Field.Describe(null)} must equal two different values";
                                }
                            }
                            else
                            {
                                equals[field.Field] = allowed;
                            }
                        }
                    }

                    if (Contradiction(part) is { } inner)
                    {
                        return inner;
                    }
                }

                return null;
            case AnyCondition any:
                var reasons = any.Parts.Select(Contradiction).ToArray();
                return reasons.All(r => r is not null) ? reasons[0] : null;
            default:
                return null;
        }
    }
}

/// <summary>A warning about a rules file that loads but probably does not do what its author meant.</summary>
/// <param name="Line">The rule's line, or 0 for the file as a whole.</param>
/// <param name="Rule">The rule's name, if the warning is about one rule.</param>
/// <param name="Message">What is wrong.</param>
public sealed record RuleWarning(int Line, string? Rule, string Message);
