using YamlDotNet.RepresentationModel;

namespace MailGate.Core.Rules;

/// <summary>Reads the optional top-level <c>coverage:</c> section: <c>{ route: name, severity: warning }</c>.</summary>
internal static class CoverageReader
{
    private static readonly MappingSchema<CoverageDraft> Schema = new(
        new SchemaKey<CoverageDraft>("route", ReadRoute)
        {
            MissingIfValid = _ => "coverage: missing 'route' (the route coverage alerts page on)",
        },
        new SchemaKey<CoverageDraft>("severity", ReadSeverity))
    {
        Unknown = (_, key, names) => $"coverage: unknown key '{key}' (expected one of: {names})",
        ScalarValues = key => $"'coverage.{key}'",
    };

    /// <summary>The section, or null when it has errors (reported to <paramref name="context"/>).</summary>
    /// <param name="context">Where errors go, with their positions.</param>
    /// <param name="node">The value of <c>coverage:</c>.</param>
    /// <param name="routes">Every route name the file declares.</param>
    public static CoverageSection? Read(ParseContext context, YamlNode node, IReadOnlySet<string> routes)
    {
        var mapping = context.Mapping(node, "'coverage'");
        if (mapping is null)
        {
            return null;
        }

        var draft = new CoverageDraft(routes);
        return Schema.Read(context, mapping, draft).Ok && draft.Route is { } route ? new CoverageSection(route, draft.Severity) : null;
    }

    private static bool ReadRoute(ParseContext context, MappingEntry entry, CoverageDraft draft)
    {
        var route = entry.Scalar ?? "";
        if (!draft.Routes.Contains(route))
        {
            context.Error(entry.Value, $"coverage: undefined route '{route}'");
            return false;
        }

        draft.Route = route;
        return true;
    }

    private static bool ReadSeverity(ParseContext context, MappingEntry entry, CoverageDraft draft)
    {
        var severity = RouteReader.ReadSeverity(context, entry.Value, "coverage: ");
        draft.Severity = severity ?? draft.Severity;
        return severity is not null;
    }

    /// <summary>The section while it is read.</summary>
    private sealed class CoverageDraft(IReadOnlySet<string> routes)
    {
        public IReadOnlySet<string> Routes { get; } = routes;

        public string? Route { get; set; }

        public string Severity { get; set; } = Severities.Warning;
    }
}
