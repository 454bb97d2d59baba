using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using YamlDotNet.Core;
using YamlDotNet.RepresentationModel;

namespace MailGate.Rules;

/// <summary>
/// Builds a <see cref="RuleSet"/> from rules-file text by walking YamlDotNet's representation model,
/// so every error carries a line and column; collects all errors instead of stopping at the first.
/// </summary>
internal static class RuleFileReader
{
    private const string Keys = "version, routes, accounts, trust, rules";

    public static RuleSet? Read(string yaml, ParseContext context)
    {
        var root = LoadRoot(yaml, context);
        if (root is null)
        {
            return null;
        }

        var mapping = context.Mapping(root, "the rules file");
        if (mapping is null)
        {
            return null;
        }

        YamlNode? version = null;
        YamlNode? routesNode = null;
        YamlNode? rulesNode = null;
        YamlNode? accountsNode = null;
        YamlNode? trustNode = null;
        foreach (var (keyNode, valueNode) in mapping.Children)
        {
            switch (context.Key(keyNode))
            {
                case null:
                    break;
                case "version":
                    version = valueNode;
                    break;
                case "routes":
                    routesNode = valueNode;
                    break;
                case "rules":
                    rulesNode = valueNode;
                    break;
                case "accounts":
                    accountsNode = valueNode;
                    break;
                case "trust":
                    trustNode = valueNode;
                    break;
                case var key:
                    context.Error(keyNode, $"unknown top-level key '{key}' (expected one of: {Keys})");
                    break;
            }
        }

        ReadVersion(context, root, version);

        var declared = new HashSet<string>(StringComparer.Ordinal);
        var routes = routesNode is null
            ? new Dictionary<string, Route>(StringComparer.Ordinal)
            : RouteReader.Read(context, routesNode, declared);

        var accounts = accountsNode is null ? AccountMap.Empty : AccountReader.Read(context, accountsNode);
        var trust = trustNode is null ? null : TrustReader.Read(context, trustNode, declared);
        var rules = new List<Rule>();
        if (rulesNode is null)
        {
            context.Error(root, "missing 'rules' (the list of rules, evaluated in order)");
        }
        else if (context.Sequence(rulesNode, "'rules'") is { } sequence)
        {
            var names = new Dictionary<string, int>(StringComparer.Ordinal);
            var number = 0;
            foreach (var ruleNode in sequence.Children)
            {
                if (number == RulesLimits.MaxRules)
                {
                    context.Error(ruleNode, string.Create(CultureInfo.InvariantCulture, $"more than {RulesLimits.MaxRules:N0} rules; this is rule {RulesLimits.MaxRules + 1:N0} of {sequence.Children.Count:N0}"));
                    break;
                }

                var rule = RuleReader.Read(context, ruleNode, ++number, names, declared, hasTrustPolicy: trustNode is not null);
                if (rule is not null)
                {
                    rules.Add(rule);
                }
            }
        }

        return context.Errors.Count > 0
            ? null
            : new RuleSet(context.Source, VersionOf(yaml), routes, rules, accounts, trust);
    }

    /// <summary>The first 12 lowercase hex digits of the SHA-256 of the file text.</summary>
    public static string VersionOf(string yaml) =>
        Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(yaml)))[..12];

    private static YamlNode? LoadRoot(string yaml, ParseContext context)
    {
        var stream = new YamlStream();
        var parser = new BoundedParser(new Parser(new StringReader(yaml)));
        try
        {
            stream.Load(parser);
        }
        catch (RulesLimitException ex)
        {
            context.Error((int)ex.Start.Line, (int)ex.Start.Column, ex.Message);
            return null;
        }
        catch (YamlException ex)
        {
            // The message names what the parser expected, never the file's text.
            var message = ex.InnerException is YamlException inner ? $"{ex.Message} ({inner.Message})" : ex.Message;
            context.Error((int)ex.Start.Line, (int)ex.Start.Column, "invalid YAML: " + message.Trim());
            return null;
        }
        catch (InvalidOperationException)
        {
            // YamlDotNet's scanner fails this way on some malformed flow collections.
            context.Error((int)parser.LastGood.Line, (int)parser.LastGood.Column, "invalid YAML after this point (check for an unclosed '{' or '[')");
            return null;
        }

        if (stream.Documents.Count == 0)
        {
            context.Error(1, 1, "the rules file is empty (expected 'version: 1', 'routes' and 'rules')");
            return null;
        }

        if (stream.Documents.Count > 1)
        {
            context.Error(stream.Documents[1].RootNode, "the rules file must be a single YAML document (remove the second '---')");
            return null;
        }

        return stream.Documents[0].RootNode;
    }

    private static void ReadVersion(ParseContext context, YamlNode root, YamlNode? version)
    {
        if (version is null)
        {
            context.Error(root, "missing 'version: 1'");
            return;
        }

        var text = context.Scalar(version, "'version'");
        if (text is not null && text.Trim() != "1")
        {
            context.Error(version, $"unsupported version '{text}' (expected 1)");
        }
    }
}
