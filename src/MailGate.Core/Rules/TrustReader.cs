using System.Globalization;
using YamlDotNet.RepresentationModel;

namespace MailGate.Rules;

/// <summary>Reads the optional <c>trust:</c> section.</summary>
internal static class TrustReader
{
    public static TrustPolicy? Read(ParseContext context, YamlNode node, IReadOnlySet<string> routes)
    {
        var mapping = context.Mapping(node, "'trust'");
        if (mapping is null)
        {
            return null;
        }

        ICondition? trusted = null;
        var untrusted = UntrustedTreatment.Default;
        var ok = true;
        foreach (var (keyNode, valueNode) in mapping.Children)
        {
            switch (context.Key(keyNode))
            {
                case null:
                    ok = false;
                    break;
                case "trusted":
                    trusted = ConditionReader.Read(context, valueNode, "'trust.trusted'");
                    ok &= trusted is not null;
                    break;
                case "untrusted":
                    var treatment = ReadUntrusted(context, valueNode, routes);
                    ok &= treatment is not null;
                    untrusted = treatment ?? untrusted;
                    break;
                case var key:
                    context.Error(keyNode, $"trust: unknown key '{key}' (expected: trusted, untrusted)");
                    ok = false;
                    break;
            }
        }

        if (ok && trusted is null)
        {
            context.Error(node, "trust: missing 'trusted' (the condition a trusted message meets, e.g. authenticated: { arc_sealed_by: google.com })");
            ok = false;
        }

        return ok ? new TrustPolicy(trusted!, untrusted) : null;
    }

    private static UntrustedTreatment? ReadUntrusted(ParseContext context, YamlNode node, IReadOnlySet<string> routes)
    {
        var mapping = context.Mapping(node, "'trust.untrusted'");
        if (mapping is null)
        {
            return null;
        }

        var result = UntrustedTreatment.Default;
        var ok = true;
        YamlNode? routeNode = null;
        foreach (var (keyNode, valueNode) in mapping.Children)
        {
            var key = context.Key(keyNode);
            var text = key is null ? null : context.Scalar(valueNode, $"'trust.untrusted.{key}'")?.Trim();
            if (text is null)
            {
                ok = false;
                continue;
            }

            switch (key)
            {
                case "action":
                    UntrustedAction? action = text switch
                    {
                        "page" => UntrustedAction.Page,
                        "route" => UntrustedAction.Route,
                        "drop" => UntrustedAction.Drop,
                        _ => null,
                    };
                    if (action is null)
                    {
                        context.Error(valueNode, $"trust.untrusted: unknown action '{text}' (expected one of: page, route, drop)");
                        ok = false;
                    }
                    else
                    {
                        result = result with { Action = action.Value };
                    }

                    break;
                case "route":
                    routeNode = valueNode;
                    result = result with { Route = text };
                    break;
                case "severity":
                    var severity = RouteReader.ReadSeverity(context, valueNode, "trust.untrusted: ");
                    ok &= severity is not null;
                    result = result with { Severity = severity ?? result.Severity };
                    break;
                case "summary_prefix":
                    result = result with { SummaryPrefix = context.Scalar(valueNode, "'summary_prefix'") ?? "" };
                    break;
                case "max_per_sender_per_hour":
                    var perSender = Limit(context, valueNode, key, text);
                    ok &= perSender is not null;
                    result = result with { MaxPerSenderPerHour = perSender ?? result.MaxPerSenderPerHour };
                    break;
                case "max_per_client_network_per_hour":
                    var perNetwork = Limit(context, valueNode, key, text);
                    ok &= perNetwork is not null;
                    result = result with { MaxPerClientNetworkPerHour = perNetwork ?? result.MaxPerClientNetworkPerHour };
                    break;
                case "max_per_hour":
                    var perHour = Limit(context, valueNode, key, text);
                    ok &= perHour is not null;
                    result = result with { MaxPerHour = perHour ?? result.MaxPerHour };
                    break;
                default:
                    context.Error(keyNode, $"trust.untrusted: unknown key '{key}' (expected one of: action, route, severity, summary_prefix, max_per_sender_per_hour, max_per_client_network_per_hour, max_per_hour)");
                    ok = false;
                    break;
            }
        }

        if (result.Action == UntrustedAction.Route && result.Route is null)
        {
            context.Error(node, "trust.untrusted: 'action: route' needs 'route: <name>'");
            ok = false;
        }
        else if (result.Route is not null && !routes.Contains(result.Route))
        {
            context.Error(routeNode!, $"trust.untrusted: undefined route '{result.Route}'");
            ok = false;
        }

        return ok ? result : null;
    }

    /// <summary>A limit: a whole number ≥ 0; null (and an error) otherwise.</summary>
    private static int? Limit(ParseContext context, YamlNode node, string key, string text)
    {
        if (int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var max) && max >= 0)
        {
            return max;
        }

        context.Error(node, $"trust.untrusted: '{key}' must be a whole number ≥ 0, found '{text}'");
        return null;
    }
}
