using YamlDotNet.RepresentationModel;

namespace MailGate.Rules;

/// <summary>Reads the <c>routes:</c> mapping. Routing keys never appear in errors.</summary>
internal static class RouteReader
{
    /// <summary>
    /// Reads every route; <paramref name="declared"/> receives every route name written, even those
    /// with errors, so that rules naming them are not reported twice.
    /// </summary>
    public static Dictionary<string, Route> Read(ParseContext context, YamlNode node, ISet<string> declared)
    {
        var routes = new Dictionary<string, Route>(StringComparer.Ordinal);
        var mapping = context.Mapping(node, "'routes'");
        if (mapping is null)
        {
            return routes;
        }

        foreach (var (keyNode, valueNode) in mapping.Children)
        {
            var name = context.Key(keyNode);
            if (name is null)
            {
                continue;
            }

            declared.Add(name);
            var route = ReadRoute(context, name, valueNode);
            if (route is not null)
            {
                routes[name] = route;
            }
        }

        return routes;
    }

    private static Route? ReadRoute(ParseContext context, string name, YamlNode node)
    {
        var mapping = context.Mapping(node, $"route '{name}'");
        if (mapping is null)
        {
            return null;
        }

        YamlNode? pagerDuty = null;
        foreach (var (keyNode, valueNode) in mapping.Children)
        {
            switch (context.Key(keyNode))
            {
                case null:
                    break;
                case "pagerduty":
                    pagerDuty = valueNode;
                    break;
                case var key:
                    context.Error(keyNode, $"route '{name}': unknown key '{key}' (expected: pagerduty)");
                    break;
            }
        }

        if (pagerDuty is null)
        {
            context.Error(node, $"route '{name}': missing 'pagerduty'");
            return null;
        }

        var target = ReadPagerDuty(context, name, pagerDuty);
        return target is null ? null : new Route(name, target);
    }

    private static PagerDutyTarget? ReadPagerDuty(ParseContext context, string route, YamlNode node)
    {
        var mapping = context.Mapping(node, $"route '{route}': 'pagerduty'");
        if (mapping is null)
        {
            return null;
        }

        var ok = true;
        var severity = Severities.Critical;
        YamlNode? keyNode = null;
        foreach (var (fieldNode, valueNode) in mapping.Children)
        {
            switch (context.Key(fieldNode))
            {
                case null:
                    ok = false;
                    break;
                case "routing_key":
                    keyNode = valueNode;
                    break;
                case "severity":
                    {
                        var value = ReadSeverity(context, valueNode, $"route '{route}': ");
                        ok &= value is not null;
                        severity = value ?? severity;
                        break;
                    }
                case var key:
                    context.Error(fieldNode, $"route '{route}': unknown key '{key}' under 'pagerduty' (expected one of: routing_key, severity)");
                    ok = false;
                    break;
            }
        }

        if (keyNode is null)
        {
            context.Error(node, $"route '{route}': missing 'routing_key' under 'pagerduty'");
            return null;
        }

        if (keyNode is not YamlScalarNode { Value: { Length: > 0 } text })
        {
            // Describe the node, never its text: it may be a routing key.
            context.Error(keyNode, $"route '{route}': 'routing_key' must be a single value, found {ParseContext.Describe(keyNode)}");
            return null;
        }

        var routingKey = EnvironmentReferences.Expand(text, context.Options.Environment, out var missing, out var error);
        if (error is not null)
        {
            context.Error(keyNode, $"route '{route}': {error}");
            return null;
        }

        if (missing is not null && !context.Options.AllowMissingRoutingKeys)
        {
            context.Error(keyNode, $"route '{route}': environment variable '{missing}' is not set (it holds the routing key; set it, or allow missing routing keys for a dry run)");
            return null;
        }

        return ok ? new PagerDutyTarget(routingKey, severity, missing) : null;
    }

    /// <summary>Reads a severity value, reporting anything other than critical/error/warning/info.</summary>
    public static string? ReadSeverity(ParseContext context, YamlNode node, string prefix)
    {
        var text = context.Scalar(node, prefix + "'severity'");
        if (text is null)
        {
            return null;
        }

        var severity = Severities.Normalize(text);
        if (severity is null)
        {
            context.Error(node, $"{prefix}invalid severity '{text}' (expected one of: {string.Join(", ", Severities.All)})");
        }

        return severity;
    }
}
