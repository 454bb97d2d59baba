using System.Text.RegularExpressions;
using MailGate.Hosting;
using MailGate.Tests.Support;

namespace MailGate.Tests.Docs;

/// <summary>
/// The configuration table of <c>docs/operations.md</c> is every setting the gateway reads, and the docs
/// name no setting that does not exist. Every property of every options class bound from configuration
/// (<see cref="ConfigurationSchema"/>, found by reflection), <c>Logging:Format</c> and the names MailGate
/// reads under <c>Serilog:</c> has a row; every row, and every <c>Section:Key</c> and
/// <c>MAILGATE_Section__Key</c> the README and <c>docs/*.md</c> mention anywhere, is a key the gateway reads
/// (issue #11: the README named options that did not exist; issue #13: one table for every option).
/// </summary>
[TestFixture]
public sealed partial class OperationsConfigurationTests
{
    private const string Operations = "docs/operations.md";

    private static readonly string[] Header = ["key", "default", "meaning"];

    /// <summary>The key of each row of the one configuration table (placeholders such as <c>&lt;category&gt;</c> kept).</summary>
    private static string[] TableKeys()
    {
        var tables = RepositoryDocs.Tables(RepositoryDocs.Read(Operations), Header);
        Assert.That(tables, Has.Count.EqualTo(1), $"{Operations} has one configuration table");
        return [.. tables[0].Select(row => RepositoryDocs.CodeSpans(row[0]) is [var key, ..] ? key : row[0])];
    }

    /// <summary>Every key an operator can set: the options' values and lists (not their entries), and Serilog's names.</summary>
    private static string[] Options() =>
        [.. ConfigurationSchema.Keys
            .Where(k => k.Shape is not ConfigurationKeyShape.Section && !k.Segments.Contains(ConfigurationSchema.Index))
            .Select(k => k.Pattern)
            .Concat(ConfigurationSchema.SerilogSections.Select(name => "Serilog:" + name))
            .Distinct(StringComparer.OrdinalIgnoreCase)];

    [Test]
    public void ConfigurationTable_ListsEveryOption()
    {
        var rows = TableKeys();
        var options = Options();

        using (Assert.EnterMultipleScope())
        {
            Assert.That(options, Has.Length.GreaterThan(60), "the options were found at all");
            Assert.That(
                options.Where(option => !rows.Any(row => row.Equals(option, StringComparison.OrdinalIgnoreCase) || row.StartsWith(option + ":", StringComparison.OrdinalIgnoreCase))),
                Is.Empty,
                $"options the configuration table of {Operations} does not list");
        }
    }

    [Test]
    public void ConfigurationTable_EveryRowIsAnOption_Once()
    {
        var rows = TableKeys();

        using (Assert.EnterMultipleScope())
        {
            Assert.That(rows.Where(row => !ConfigurationKeys.IsKnown(Placeholder().Replace(row, "x"))), Is.Empty, "rows that are not a key the gateway reads");
            Assert.That(rows, Is.Unique, "each key has one row");
        }
    }

    [Test]
    public void OtherDocs_HaveNoConfigurationTableOfTheirOwn() =>
        Assert.That(RepositoryDocs.Files.Where(f => f != Operations && RepositoryDocs.Tables(RepositoryDocs.Read(f), Header).Count > 0), Is.Empty, "the settings are in one table, in " + Operations);

    [Test]
    public void Docs_EveryConfigurationKeyTheyName_Exists()
    {
        var mentions = RepositoryDocs.Files
            .SelectMany(file => ConfigurationKeys.MentionedIn(RepositoryDocs.Read(file)).Select(key => (File: file, Key: key)))
            .Where(m => m.Key != "MAILGATE_Section__Key") // the description of the form itself
            .Where(m => m.Key != "MAILGATE_Smtp__AcceptedRecipient__0") // the example of a misspelt key, which is refused
            .ToArray();

        Assert.That(mentions, Has.Length.GreaterThan(50), "the docs' keys were found at all");
        Assert.That(mentions.Where(m => !ConfigurationKeys.IsKnown(m.Key)).Select(m => $"{m.File}: {m.Key}"), Is.Empty, "keys the docs name that the gateway does not read");
    }

    [Test]
    public void Sections_AreTheOnesTheHostBinds() =>
        Assert.That(ConfigurationKeys.Sections, Is.SupersetOf(new[] { "Smtp", "Spool", "Rules", "PagerDuty", "Http", "Trust", "Parse", "SupportCases", "Aws", "Logging", "Serilog" }));

    [TestCase("Spool:MinFreeBytes", true)]
    [TestCase("Spool:MinFreeByte", false)] // a typo: the drift this test exists for
    [TestCase("spool:minfreebytes", true)] // configuration keys ignore case
    [TestCase("Smtp:Tls:CertificatePath", true)]
    [TestCase("Smtp:Tls:CertPath", false)]
    [TestCase("Smtp:Tls", true)]
    [TestCase("Tls:Required", true)] // the tail of Smtp:Tls:Required, as the SMTP section writes it
    [TestCase("Tls:Requried", false)]
    [TestCase("Smtp:AcceptedRecipients:0", true)]
    [TestCase("Smtp:AcceptedRecipients:first", false)]
    [TestCase("Smtp:Port:0", false)]
    [TestCase("SupportCases:Languages:1", true)] // a get-only list the binder fills
    [TestCase("Trust:DnsServers", true)]
    [TestCase("Logging:Format", true)]
    [TestCase("Serilog:MinimumLevel:Default", true)]
    [TestCase("Serilog:MinimumLevel:Override:Microsoft", true)]
    [TestCase("Serilog:MinimumLevl:Default", false)]
    [TestCase("Serilog:Properties:x", true)]
    [TestCase("Smtp:EffectiveRecipients", false)] // computed, not bound
    [TestCase("Nope:Key", false)]
    [TestCase("MAILGATE_Smtp__AcceptedRecipients__0", true)]
    [TestCase("MAILGATE_Smtp__AllowedClients__", true)]
    [TestCase("MAILGATE_Spool__MinFreeByte", false)]
    [TestCase("MAILGATE_SupportCases__Enabled", true)]
    public void IsKnown_Table(string mention, bool known) => Assert.That(ConfigurationKeys.IsKnown(mention), Is.EqualTo(known));

    [Test]
    public void MentionedIn_FindsBothFormsInProse_NotUrlsOrTimes()
    {
        var text = "Set `Spool:MinFreeByte` (see http://127.0.0.1:8025, 00:05:00, arn:aws:iam::1:role/X, sts:ExternalId) "
            + "or --Smtp:Port=2526 or MAILGATE_Smtp__Port=25; compose uses MAILGATE_SMTP_PORT.";

        Assert.That(ConfigurationKeys.MentionedIn(text), Is.EquivalentTo(new[] { "Spool:MinFreeByte", "Smtp:Port", "MAILGATE_Smtp__Port" }));
    }

    /// <summary>A placeholder in a row's key: <c>&lt;category&gt;</c> in <c>Serilog:MinimumLevel:Override:&lt;category&gt;</c>.</summary>
    [GeneratedRegex("<[^>]+>")]
    private static partial Regex Placeholder();
}
