using System.Globalization;
using YamlDotNet.RepresentationModel;

namespace MailGate.Core.Rules;

/// <summary>Reads the optional <c>trust:</c> section.</summary>
internal static class TrustReader
{
    private static readonly MappingSchema<TrustDraft> Trust = new(
        new SchemaKey<TrustDraft>("trusted", ReadTrusted)
        {
            MissingIfValid = _ => "trust: missing 'trusted' (the condition a trusted message meets, e.g. authenticated: { arc_sealed_by: google.com })",
        },
        new SchemaKey<TrustDraft>("untrusted", ReadUntrusted))
    {
        Unknown = (_, key, names) => $"trust: unknown key '{key}' (expected: {names})",
        InFileOrder = true,
    };

    /// <summary><c>trust.untrusted</c>: every value a single value, checked before its key.</summary>
    private static readonly MappingSchema<UntrustedDraft> Untrusted = new(
        new SchemaKey<UntrustedDraft>("action", ReadAction),
        new SchemaKey<UntrustedDraft>("route", (_, entry, draft) => Set(draft, draft.Treatment with { Route = entry.Scalar }, routeNode: entry.Value)),
        new SchemaKey<UntrustedDraft>("severity", ReadSeverity),
        new SchemaKey<UntrustedDraft>("summary_prefix", (context, entry, draft) => Set(draft, draft.Treatment with { SummaryPrefix = context.Scalar(entry.Value, "'summary_prefix'") ?? "" })),
        new SchemaKey<UntrustedDraft>("max_per_sender_per_hour", ReadLimit((t, max) => t with { MaxPerSenderPerHour = max })),
        new SchemaKey<UntrustedDraft>("max_per_client_network_per_hour", ReadLimit((t, max) => t with { MaxPerClientNetworkPerHour = max })),
        new SchemaKey<UntrustedDraft>("max_per_hour", ReadLimit((t, max) => t with { MaxPerHour = max })))
    {
        Unknown = (_, key, names) => $"trust.untrusted: unknown key '{key}' (expected one of: {names})",
        InFileOrder = true,
        ScalarValues = key => $"'trust.untrusted.{key}'",
    };

    public static TrustPolicy? Read(ParseContext context, YamlNode node, IReadOnlySet<string> routes)
    {
        var mapping = context.Mapping(node, "'trust'");
        if (mapping is null)
        {
            return null;
        }

        var trust = new TrustDraft(routes);
        return Trust.Read(context, mapping, trust).Ok ? new TrustPolicy(trust.Trusted!, trust.Untrusted) : null;
    }

    private static bool ReadTrusted(ParseContext context, MappingEntry entry, TrustDraft trust)
    {
        trust.Trusted = ConditionReader.Read(context, entry.Value, "'trust.trusted'");
        return trust.Trusted is not null;
    }

    private static bool ReadUntrusted(ParseContext context, MappingEntry entry, TrustDraft trust)
    {
        var mapping = context.Mapping(entry.Value, "'trust.untrusted'");
        if (mapping is null)
        {
            return false;
        }

        var untrusted = new UntrustedDraft();
        var ok = Untrusted.Read(context, mapping, untrusted).Ok;
        var treatment = untrusted.Treatment;
        if (treatment.Action == UntrustedAction.Route && treatment.Route is null)
        {
            context.Error(mapping, "trust.untrusted: 'action: route' needs 'route: <name>'");
            ok = false;
        }
        else if (treatment.Route is not null && !trust.Routes.Contains(treatment.Route))
        {
            context.Error(untrusted.RouteNode!, $"trust.untrusted: undefined route '{treatment.Route}'");
            ok = false;
        }

        if (ok)
        {
            trust.Untrusted = treatment;
        }

        return ok;
    }

    private static bool ReadAction(ParseContext context, MappingEntry entry, UntrustedDraft draft)
    {
        UntrustedAction? action = entry.Scalar switch
        {
            "page" => UntrustedAction.Page,
            "route" => UntrustedAction.Route,
            "drop" => UntrustedAction.Drop,
            _ => null,
        };
        if (action is null)
        {
            context.Error(entry.Value, $"trust.untrusted: unknown action '{entry.Scalar}' (expected one of: page, route, drop)");
            return false;
        }

        return Set(draft, draft.Treatment with { Action = action.Value });
    }

    private static bool ReadSeverity(ParseContext context, MappingEntry entry, UntrustedDraft draft)
    {
        var severity = RouteReader.ReadSeverity(context, entry.Value, "trust.untrusted: ");
        return severity is not null && Set(draft, draft.Treatment with { Severity = severity });
    }

    /// <summary>A reader of a limit: a whole number ≥ 0, kept in the treatment by <paramref name="with"/>.</summary>
    private static KeyReader<UntrustedDraft> ReadLimit(Func<UntrustedTreatment, int, UntrustedTreatment> with) => (context, entry, draft) =>
    {
        if (int.TryParse(entry.Scalar, NumberStyles.None, CultureInfo.InvariantCulture, out var max) && max >= 0)
        {
            return Set(draft, with(draft.Treatment, max));
        }

        context.Error(entry.Value, $"trust.untrusted: '{entry.Text}' must be a whole number ≥ 0, found '{entry.Scalar}'");
        return false;
    };

    private static bool Set(UntrustedDraft draft, UntrustedTreatment treatment, YamlNode? routeNode = null)
    {
        draft.Treatment = treatment;
        draft.RouteNode = routeNode ?? draft.RouteNode;
        return true;
    }

    /// <summary>The <c>trust:</c> section while it is read.</summary>
    private sealed class TrustDraft(IReadOnlySet<string> routes)
    {
        /// <summary>Every route name declared in the file.</summary>
        public IReadOnlySet<string> Routes { get; } = routes;

        public ICondition? Trusted { get; set; }

        public UntrustedTreatment Untrusted { get; set; } = UntrustedTreatment.Default;
    }

    /// <summary><c>trust.untrusted</c> while it is read.</summary>
    private sealed class UntrustedDraft
    {
        public UntrustedTreatment Treatment { get; set; } = UntrustedTreatment.Default;

        /// <summary>Where <c>route</c> is written, to report it undefined.</summary>
        public YamlNode? RouteNode { get; set; }
    }
}
