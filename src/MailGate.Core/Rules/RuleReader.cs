using System.Globalization;
using YamlDotNet.RepresentationModel;

namespace MailGate.Rules;

/// <summary>Reads one entry of the <c>rules:</c> list.</summary>
internal static class RuleReader
{
    private const string Keys = "name, description, when, extract, summary, dedup_key, severity, route, action, continue, trust, reply_within";

    /// <summary>Reads the rule at <paramref name="node"/>; null when it has errors (already reported).</summary>
    /// <param name="context">The parse context.</param>
    /// <param name="node">The rule's node.</param>
    /// <param name="number">The rule's 1-based position, naming it in errors when it has no name.</param>
    /// <param name="names">Names of earlier rules and their lines, for the uniqueness check.</param>
    /// <param name="routes">Every route name declared in the file.</param>
    public static Rule? Read(ParseContext context, YamlNode node, int number, IDictionary<string, int> names, IReadOnlySet<string> routes, bool hasTrustPolicy)
    {
        context.Rule = "#" + number.ToString(CultureInfo.InvariantCulture);
        var mapping = context.Mapping(node, "a rule");
        if (mapping is null)
        {
            return null;
        }

        var ok = true;
        var name = ReadName(context, mapping, names, ref ok);
        context.Rule = string.IsNullOrEmpty(name) ? context.Rule : name;

        var nodes = new Dictionary<string, (YamlNode Key, YamlNode Value)>(StringComparer.Ordinal);
        foreach (var (keyNode, valueNode) in mapping.Children)
        {
            var key = context.Key(keyNode);
            if (key is null)
            {
                ok = false;
            }
            else if (!Keys.Split(", ").Contains(key))
            {
                context.Error(keyNode, $"unknown rule key '{key}' (expected one of: {Keys})");
                ok = false;
            }
            else
            {
                nodes[key] = (keyNode, valueNode);
            }
        }

        if (nodes.TryGetValue("description", out var description))
        {
            ok &= context.Scalar(description.Value, "'description'") is not null;
        }

        ICondition? when = null;
        if (nodes.TryGetValue("when", out var whenNodes))
        {
            when = ConditionReader.Read(context, whenNodes.Value, "'when'");
            ok &= when is not null;
        }

        var extractions = new List<Extraction>();
        if (nodes.TryGetValue("extract", out var extractNodes))
        {
            ok &= ExtractReader.Read(context, extractNodes.Value, extractions);
        }

        var extractNames = extractions.Select(e => e.Name).ToHashSet(StringComparer.Ordinal);
        var summary = ReadTemplate(context, nodes, "summary", extractNames, ref ok);
        var dedupKey = ReadTemplate(context, nodes, "dedup_key", extractNames, ref ok);

        string? severity = null;
        if (nodes.TryGetValue("severity", out var severityNodes))
        {
            severity = RouteReader.ReadSeverity(context, severityNodes.Value, "");
            ok &= severity is not null;
        }

        var @continue = false;
        if (nodes.TryGetValue("continue", out var continueNodes))
        {
            var text = context.Scalar(continueNodes.Value, "'continue'");
            if (text is not null && !bool.TryParse(text, out @continue))
            {
                context.Error(continueNodes.Value, $"'continue' must be true or false, found '{text}'");
                ok = false;
            }

            ok &= text is not null;
        }

        var requiresTrust = false;
        if (nodes.TryGetValue("trust", out var trustNodes))
        {
            var text = context.Scalar(trustNodes.Value, "'trust'")?.Trim();
            requiresTrust = text == "required";
            if (text is not ("required" or "optional"))
            {
                context.Error(trustNodes.Value, $"'trust' must be required or optional, found '{text}'");
                ok = false;
            }
            else if (requiresTrust && !hasTrustPolicy)
            {
                context.Error(trustNodes.Value, "'trust: required' needs a top-level 'trust:' section saying what a trusted message is");
                ok = false;
            }
        }

        TimeSpan? replyWithin = null;
        if (nodes.TryGetValue("reply_within", out var replyNodes))
        {
            var text = context.Scalar(replyNodes.Value, "'reply_within'");
            if (text is not null && ReplyDeadline.TryParseDuration(text, out var span))
            {
                replyWithin = span;
            }
            else
            {
                if (text is not null)
                {
                    context.Error(replyNodes.Value, $"'reply_within' must be a duration such as 24h, 2d or 90m, found '{text}'");
                }

                ok = false;
            }
        }

        var (routeName, drop) = ReadTarget(context, mapping, nodes, routes, ref ok);
        if (drop)
        {
            foreach (var key in (string[])["extract", "summary", "dedup_key", "severity", "trust", "reply_within"])
            {
                if (nodes.TryGetValue(key, out var useless))
                {
                    context.Error(useless.Key, $"'{key}' has no effect on a drop rule");
                    ok = false;
                }
            }

            if (@continue)
            {
                context.Error(continueNodes.Key, "a drop rule cannot continue: it stops evaluation");
                ok = false;
            }
        }

        context.Rule = null;
        return ok && name is not null
            ? new Rule(name, (int)mapping.Start.Line, when, routeName, drop, @continue, severity, summary, dedupKey, extractions, requiresTrust, replyWithin)
            : null;
    }

    private static string? ReadName(ParseContext context, YamlMappingNode mapping, IDictionary<string, int> names, ref bool ok)
    {
        if (!mapping.Children.TryGetValue(new YamlScalarNode("name"), out var nameNode))
        {
            context.Error(mapping, "missing required key 'name'");
            ok = false;
            return null;
        }

        var name = context.Scalar(nameNode, "'name'")?.Trim();
        if (name is null)
        {
            ok = false;
            return null;
        }

        // An empty name ('') loaded in version 1 until it was refused; it loads again, with the same
        // dedup keys, and `rules check` warns about it.
        if (names.TryGetValue(name, out var firstLine))
        {
            context.Rule = name.Length > 0 ? name : context.Rule;
            context.Error(nameNode, string.Create(CultureInfo.InvariantCulture, $"duplicate rule name '{name}' (first used on line {firstLine})"));
            ok = false;
        }
        else
        {
            names[name] = (int)nameNode.Start.Line;
        }

        return name;
    }

    private static Template? ReadTemplate(ParseContext context, Dictionary<string, (YamlNode Key, YamlNode Value)> nodes, string key, IReadOnlySet<string> extractNames, ref bool ok)
    {
        if (!nodes.TryGetValue(key, out var templateNodes))
        {
            return null;
        }

        var text = context.Scalar(templateNodes.Value, $"'{key}'");
        if (text is null)
        {
            ok = false;
            return null;
        }

        var template = Template.TryCompile(text, extractNames, out var error);
        if (template is null)
        {
            context.Error(templateNodes.Value, $"'{key}': {error}");
            ok = false;
        }

        return template;
    }

    private static (string? Route, bool Drop) ReadTarget(ParseContext context, YamlMappingNode mapping, Dictionary<string, (YamlNode Key, YamlNode Value)> nodes, IReadOnlySet<string> routes, ref bool ok)
    {
        string? action = null;
        if (nodes.TryGetValue("action", out var actionNodes))
        {
            action = context.Scalar(actionNodes.Value, "'action'")?.Trim();
            if (action is null)
            {
                ok = false;
                return (null, false);
            }

            if (action is not ("drop" or "route"))
            {
                context.Error(actionNodes.Value, $"unknown action '{action}' (expected one of: drop, route)");
                ok = false;
                return (null, false);
            }
        }

        var hasRoute = nodes.TryGetValue("route", out var routeNodes);
        if (action == "drop" && hasRoute)
        {
            context.Error(routeNodes.Key, "a rule has either 'route' or 'action: drop', not both");
            ok = false;
            return (null, false);
        }

        if (action == "drop")
        {
            return (null, true);
        }

        if (!hasRoute)
        {
            context.Error(mapping, "a rule needs either 'route: <name>' or 'action: drop'");
            ok = false;
            return (null, false);
        }

        var route = context.Scalar(routeNodes.Value, "'route'")?.Trim();
        if (route is null)
        {
            ok = false;
            return (null, false);
        }

        if (!routes.Contains(route))
        {
            var defined = routes.Count == 0 ? "none" : string.Join(", ", routes.Order(StringComparer.Ordinal));
            context.Error(routeNodes.Value, $"undefined route '{route}' (defined routes: {defined})");
            ok = false;
        }

        return (route, false);
    }
}
