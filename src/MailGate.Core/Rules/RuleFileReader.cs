using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using YamlDotNet.Core;
using YamlDotNet.RepresentationModel;

namespace MailGate.Core.Rules;

/// <summary>
/// Builds a <see cref="RuleSet"/> from rules-file text by walking YamlDotNet's representation model,
/// so every error carries a line and column; collects all errors instead of stopping at the first.
/// </summary>
internal static class RuleFileReader
{
    private static readonly MappingSchema<FileDraft> Schema = new(
        new SchemaKey<FileDraft>("version", ReadVersion) { Missing = _ => "missing 'version: 1'" },
        new SchemaKey<FileDraft>("routes", ReadRoutes),
        new SchemaKey<FileDraft>("accounts", ReadAccounts),
        new SchemaKey<FileDraft>("trust", ReadTrust),
        new SchemaKey<FileDraft>("coverage", ReadCoverage),
        new SchemaKey<FileDraft>("rules", ReadRules) { Missing = _ => "missing 'rules' (the list of rules, evaluated in order)" })
    {
        Unknown = (_, key, names) => $"unknown top-level key '{key}' (expected one of: {names})",
    };

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

        var file = new FileDraft();
        Schema.Read(context, mapping, file);
        return context.Errors.Count > 0
            ? null
            : new RuleSet(context.Source, VersionOf(yaml), file.Routes, file.Rules, file.Accounts, file.Trust, file.Coverage);
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

    private static bool ReadVersion(ParseContext context, MappingEntry entry, FileDraft file)
    {
        var text = context.Scalar(entry.Value, "'version'");
        if (text is not null && text.Trim() != "1")
        {
            context.Error(entry.Value, $"unsupported version '{text}' (expected 1)");
        }

        return true;
    }

    // The readers of the top-level keys return true: whatever failed is reported, and refuses the file.
    private static bool ReadRoutes(ParseContext context, MappingEntry entry, FileDraft file)
    {
        file.Routes = RouteReader.Read(context, entry.Value, file.Declared);
        return true;
    }

    private static bool ReadAccounts(ParseContext context, MappingEntry entry, FileDraft file)
    {
        file.Accounts = AccountReader.Read(context, entry.Value);
        return true;
    }

    private static bool ReadTrust(ParseContext context, MappingEntry entry, FileDraft file)
    {
        file.HasTrustPolicy = true;
        file.Trust = TrustReader.Read(context, entry.Value, file.Declared);
        return true;
    }

    private static bool ReadCoverage(ParseContext context, MappingEntry entry, FileDraft file)
    {
        file.Coverage = CoverageReader.Read(context, entry.Value, file.Declared);
        return true;
    }

    private static bool ReadRules(ParseContext context, MappingEntry entry, FileDraft file)
    {
        if (context.Sequence(entry.Value, "'rules'") is not { } sequence)
        {
            return true;
        }

        var names = new Dictionary<string, int>(StringComparer.Ordinal);
        var number = 0;
        foreach (var ruleNode in sequence.Children)
        {
            if (number == RulesLimits.MaxRules)
            {
                context.Error(ruleNode, string.Create(CultureInfo.InvariantCulture, $"more than {RulesLimits.MaxRules:N0} rules; this is rule {RulesLimits.MaxRules + 1:N0} of {sequence.Children.Count:N0}"));
                break;
            }

            var rule = RuleReader.Read(context, ruleNode, ++number, names, file.Declared, file.HasTrustPolicy);
            if (rule is not null)
            {
                file.Rules.Add(rule);
            }
        }

        return true;
    }

    /// <summary>What the top-level keys have given so far.</summary>
    private sealed class FileDraft
    {
        /// <summary>Every route name written, even those with errors, so that rules naming them are not reported twice.</summary>
        public HashSet<string> Declared { get; } = new(StringComparer.Ordinal);

        public Dictionary<string, Route> Routes { get; set; } = new(StringComparer.Ordinal);

        public AccountMap Accounts { get; set; } = AccountMap.Empty;

        /// <summary>Whether the file has a <c>trust:</c> section, valid or not: <c>trust: required</c> needs one.</summary>
        public bool HasTrustPolicy { get; set; }

        public TrustPolicy? Trust { get; set; }

        public CoverageSection? Coverage { get; set; }

        public List<Rule> Rules { get; } = [];
    }
}
