using System.Globalization;
using YamlDotNet.RepresentationModel;

namespace MailGate.Core.Rules;

/// <summary>Reads the <c>routes:</c> mapping. Routing keys never appear in errors.</summary>
internal static class RouteReader
{
    /// <summary>The <c>routes:</c> mapping: any name, each a route.</summary>
    private static readonly MappingSchema<RoutesDraft> RoutesSchema = new()
    {
        Resolve = _ => ReadRoute,
        Duplicate = (_, name, line) => string.Create(CultureInfo.InvariantCulture, $"duplicate route '{name}' (first used on line {line})"),
    };

    /// <summary>One route.</summary>
    private static readonly MappingSchema<RouteDraft> RouteSchema = new(
        new SchemaKey<RouteDraft>("pagerduty", ReadPagerDuty) { Missing = route => $"route '{route.Name}': missing 'pagerduty'" })
    {
        Unknown = (route, key, names) => $"route '{route.Name}': unknown key '{key}' (expected: {names})",
    };

    /// <summary>A route's <c>pagerduty:</c>; the routing key is checked after the walk, when its absence has been reported.</summary>
    private static readonly MappingSchema<RouteDraft> PagerDutySchema = new(
        new SchemaKey<RouteDraft>("routing_key") { Missing = route => $"route '{route.Name}': missing 'routing_key' under 'pagerduty'" },
        new SchemaKey<RouteDraft>("severity", ReadRouteSeverity))
    {
        Unknown = (route, key, names) => $"route '{route.Name}': unknown key '{key}' under 'pagerduty' (expected one of: {names})",
        InFileOrder = true,
    };

    /// <summary>
    /// Reads every route; <paramref name="declared"/> receives every route name written, even those
    /// with errors, so that rules naming them are not reported twice.
    /// </summary>
    public static Dictionary<string, Route> Read(ParseContext context, YamlNode node, ISet<string> declared)
    {
        var routes = new RoutesDraft(declared);
        if (context.Mapping(node, "'routes'") is { } mapping)
        {
            RoutesSchema.Read(context, mapping, routes);
        }

        return routes.Routes;
    }

    private static bool ReadRoute(ParseContext context, MappingEntry entry, RoutesDraft routes)
    {
        routes.Declared.Add(entry.Text);
        var mapping = context.Mapping(entry.Value, $"route '{entry.Text}'");
        if (mapping is null)
        {
            return false;
        }

        var route = new RouteDraft(entry.Text);
        RouteSchema.Read(context, mapping, route);
        if (route.Target is null)
        {
            return false;
        }

        routes.Routes[entry.Text] = new Route(entry.Text, route.Target);
        return true;
    }

    private static bool ReadPagerDuty(ParseContext context, MappingEntry entry, RouteDraft route)
    {
        var mapping = context.Mapping(entry.Value, $"route '{route.Name}': 'pagerduty'");
        if (mapping is null)
        {
            return false;
        }

        var keys = PagerDutySchema.Read(context, mapping, route);
        if (!keys.TryGet("routing_key", out var routingKey))
        {
            return false;
        }

        var keyNode = routingKey.Value;
        if (keyNode is not YamlScalarNode { Value: { Length: > 0 } text })
        {
            // Describe the node, never its text: it may be a routing key.
            context.Error(keyNode, $"route '{route.Name}': 'routing_key' must be a single value, found {ParseContext.Describe(keyNode)}");
            return false;
        }

        var value = EnvironmentReferences.Expand(text, context.Options.Environment, out var missing, out var error);
        if (error is not null)
        {
            context.Error(keyNode, $"route '{route.Name}': {error}");
            return false;
        }

        if (missing is not null && !context.Options.AllowMissingRoutingKeys)
        {
            context.Error(keyNode, $"route '{route.Name}': environment variable '{missing}' is not set (it holds the routing key; set it, or allow missing routing keys for a dry run)");
            return false;
        }

        route.Target = keys.Ok ? new PagerDutyTarget(value, route.Severity, missing) : null;
        return keys.Ok;
    }

    private static bool ReadRouteSeverity(ParseContext context, MappingEntry entry, RouteDraft route)
    {
        var severity = ReadSeverity(context, entry.Value, $"route '{route.Name}': ");
        route.Severity = severity ?? route.Severity;
        return severity is not null;
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

    /// <summary>The routes read so far, and every name written.</summary>
    private sealed class RoutesDraft(ISet<string> declared)
    {
        public ISet<string> Declared { get; } = declared;

        public Dictionary<string, Route> Routes { get; } = new(StringComparer.Ordinal);
    }

    /// <summary>One route while it is read.</summary>
    private sealed class RouteDraft(string name)
    {
        public string Name { get; } = name;

        public string Severity { get; set; } = Severities.Critical;

        public PagerDutyTarget? Target { get; set; }
    }
}
