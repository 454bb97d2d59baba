using System.Globalization;
using YamlDotNet.RepresentationModel;

namespace MailGate.Core.Rules;

/// <summary>Reads one entry of the <c>rules:</c> list against <see cref="Schema"/>.</summary>
internal static class RuleReader
{
    /// <summary>
    /// A rule's keys, in the order they are read: the name first (it names the rule in every other error),
    /// <c>extract</c> before the templates that use its names. <c>route</c> and <c>action</c> are read
    /// together afterwards (<see cref="ReadTarget"/>).
    /// </summary>
    private static readonly MappingSchema<RuleDraft> Schema = new(
        new SchemaKey<RuleDraft>("name", ReadName) { First = true, Missing = _ => "missing required key 'name'" },
        new SchemaKey<RuleDraft>("description", (context, entry, _) => context.Scalar(entry.Value, "'description'") is not null),
        new SchemaKey<RuleDraft>("when", ReadWhen),
        new SchemaKey<RuleDraft>("extract", (context, entry, rule) => ExtractReader.Read(context, entry.Value, rule.Extractions)),
        new SchemaKey<RuleDraft>("summary", ReadTemplate((rule, template) => rule.Summary = template)),
        new SchemaKey<RuleDraft>("dedup_key", ReadTemplate((rule, template) => rule.DedupKey = template)),
        new SchemaKey<RuleDraft>("severity", ReadSeverity),
        new SchemaKey<RuleDraft>("route"),
        new SchemaKey<RuleDraft>("action"),
        new SchemaKey<RuleDraft>("continue", ReadContinue),
        new SchemaKey<RuleDraft>("trust", ReadTrust),
        new SchemaKey<RuleDraft>("reply_within", ReadReplyWithin))
    {
        Unknown = (_, key, names) => $"unknown rule key '{key}' (expected one of: {names})",
    };

    /// <summary>The keys that mean nothing on a drop rule, in the order they are reported.</summary>
    private static readonly string[] UselessOnDrop = ["extract", "summary", "dedup_key", "severity", "trust", "reply_within"];

    /// <summary>Reads the rule at <paramref name="node"/>; null when it has errors (already reported).</summary>
    /// <param name="context">The parse context.</param>
    /// <param name="node">The rule's node.</param>
    /// <param name="number">The rule's 1-based position, naming it in errors when it has no name.</param>
    /// <param name="names">Names of earlier rules and their lines, for the uniqueness check.</param>
    /// <param name="routes">Every route name declared in the file.</param>
    /// <param name="hasTrustPolicy">Whether the file has a top-level <c>trust:</c> section.</param>
    public static Rule? Read(ParseContext context, YamlNode node, int number, IDictionary<string, int> names, IReadOnlySet<string> routes, bool hasTrustPolicy)
    {
        context.Rule = "#" + number.ToString(CultureInfo.InvariantCulture);
        var mapping = context.Mapping(node, "a rule");
        if (mapping is null)
        {
            return null;
        }

        var rule = new RuleDraft(names, routes, hasTrustPolicy);
        var keys = Schema.Read(context, mapping, rule);
        var ok = keys.Ok & ReadTarget(context, mapping, keys, rule);
        if (rule.Drop)
        {
            foreach (var key in UselessOnDrop)
            {
                if (keys.TryGet(key, out var useless))
                {
                    context.Error(useless.Key, $"'{key}' has no effect on a drop rule");
                    ok = false;
                }
            }

            if (rule.Continue && keys.TryGet("continue", out var @continue))
            {
                context.Error(@continue.Key, "a drop rule cannot continue: it stops evaluation");
                ok = false;
            }
        }

        context.Rule = null;
        return ok && rule.Name is not null ? rule.Build((int)mapping.Start.Line) : null;
    }

    private static bool ReadName(ParseContext context, MappingEntry entry, RuleDraft rule)
    {
        var name = context.Scalar(entry.Value, "'name'")?.Trim();
        if (name is null)
        {
            return false;
        }

        // An empty name ('') loaded in version 1 until it was refused; it loads again, with the same
        // dedup keys, and `rules check` warns about it. It names the rule in no error ("#n" does).
        rule.Name = name;
        context.Rule = name.Length > 0 ? name : context.Rule;
        if (rule.Names.TryGetValue(name, out var firstLine))
        {
            context.Error(entry.Value, string.Create(CultureInfo.InvariantCulture, $"duplicate rule name '{name}' (first used on line {firstLine})"));
            return false;
        }

        rule.Names[name] = (int)entry.Value.Start.Line;
        return true;
    }

    private static bool ReadWhen(ParseContext context, MappingEntry entry, RuleDraft rule)
    {
        rule.When = ConditionReader.Read(context, entry.Value, "'when'");
        return rule.When is not null;
    }

    /// <summary>A reader of a template key (its placeholders may name the rule's extracts) that keeps the template with <paramref name="set"/>.</summary>
    private static KeyReader<RuleDraft> ReadTemplate(Action<RuleDraft, Template> set) => (context, entry, rule) =>
    {
        var text = context.Scalar(entry.Value, $"'{entry.Text}'");
        if (text is null)
        {
            return false;
        }

        var template = Template.TryCompile(text, rule.ExtractNames, out var error);
        if (template is null)
        {
            context.Error(entry.Value, $"'{entry.Text}': {error}");
            return false;
        }

        set(rule, template);
        return true;
    };

    private static bool ReadSeverity(ParseContext context, MappingEntry entry, RuleDraft rule)
    {
        rule.Severity = RouteReader.ReadSeverity(context, entry.Value, "");
        return rule.Severity is not null;
    }

    private static bool ReadContinue(ParseContext context, MappingEntry entry, RuleDraft rule)
    {
        var text = context.Scalar(entry.Value, "'continue'");
        if (text is null)
        {
            return false;
        }

        if (!bool.TryParse(text, out var @continue))
        {
            context.Error(entry.Value, $"'continue' must be true or false, found '{text}'");
            return false;
        }

        rule.Continue = @continue;
        return true;
    }

    private static bool ReadTrust(ParseContext context, MappingEntry entry, RuleDraft rule)
    {
        // A value that is not text is reported twice (not a single value; not required/optional), as ever.
        var text = context.Scalar(entry.Value, "'trust'")?.Trim();
        rule.RequiresTrust = text == "required";
        if (text is not ("required" or "optional"))
        {
            context.Error(entry.Value, $"'trust' must be required or optional, found '{text}'");
            return false;
        }

        if (rule.RequiresTrust && !rule.HasTrustPolicy)
        {
            context.Error(entry.Value, "'trust: required' needs a top-level 'trust:' section saying what a trusted message is");
            return false;
        }

        return true;
    }

    private static bool ReadReplyWithin(ParseContext context, MappingEntry entry, RuleDraft rule)
    {
        var text = context.Scalar(entry.Value, "'reply_within'");
        if (text is not null && ReplyDeadline.TryParseDuration(text, out var span))
        {
            rule.ReplyWithin = span;
            return true;
        }

        if (text is not null)
        {
            context.Error(entry.Value, $"'reply_within' must be a duration such as 24h, 2d or 90m, found '{text}'");
        }

        return false;
    }

    /// <summary>Reads <c>action</c> and <c>route</c>, which only make sense together, into the draft.</summary>
    private static bool ReadTarget(ParseContext context, YamlMappingNode mapping, MappingKeys keys, RuleDraft rule)
    {
        string? action = null;
        if (keys.TryGet("action", out var actionEntry))
        {
            action = context.Scalar(actionEntry.Value, "'action'")?.Trim();
            if (action is null)
            {
                return false;
            }

            if (action is not ("drop" or "route"))
            {
                context.Error(actionEntry.Value, $"unknown action '{action}' (expected one of: drop, route)");
                return false;
            }
        }

        var hasRoute = keys.TryGet("route", out var routeEntry);
        if (action == "drop")
        {
            if (hasRoute)
            {
                context.Error(routeEntry.Key, "a rule has either 'route' or 'action: drop', not both");
                return false;
            }

            rule.Drop = true;
            return true;
        }

        if (!hasRoute)
        {
            context.Error(mapping, "a rule needs either 'route: <name>' or 'action: drop'");
            return false;
        }

        rule.RouteName = context.Scalar(routeEntry.Value, "'route'")?.Trim();
        if (rule.RouteName is null)
        {
            return false;
        }

        if (!rule.Routes.Contains(rule.RouteName))
        {
            var defined = rule.Routes.Count == 0 ? "none" : string.Join(", ", rule.Routes.Order(StringComparer.Ordinal));
            context.Error(routeEntry.Value, $"undefined route '{rule.RouteName}' (defined routes: {defined})");
            return false;
        }

        return true;
    }
}
