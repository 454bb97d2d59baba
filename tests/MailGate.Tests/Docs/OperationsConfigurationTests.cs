using MailGate.Tests.Support;

namespace MailGate.Tests.Docs;

/// <summary>
/// Issue #11, Also: the README names no configuration option that does not exist. Every <c>Section:Key</c>
/// and <c>MAILGATE_Section__Key</c> it mentions is checked against the options classes the host binds.
/// </summary>
[TestFixture]
public sealed class ReadmeConfigurationTests
{
    private static string ReadmePath()
    {
        for (var folder = new DirectoryInfo(TestContext.CurrentContext.TestDirectory); folder is not null; folder = folder.Parent)
        {
            if (File.Exists(Path.Combine(folder.FullName, "MailGate.sln")))
            {
                return Path.Combine(folder.FullName, "README.md");
            }
        }

        throw new FileNotFoundException("README.md: no MailGate.sln above " + TestContext.CurrentContext.TestDirectory);
    }

    [Test]
    public void Readme_EveryConfigurationKeyItNames_Exists()
    {
        var mentions = ConfigurationKeys.MentionedIn(File.ReadAllText(ReadmePath()))
            .Where(m => m != "MAILGATE_Section__Key") // the README's description of the form itself
            .Where(m => m != "MAILGATE_Smtp__AcceptedRecipient__0") // the README's example of a misspelt key, which is refused
            .ToArray();

        Assert.That(mentions, Has.Length.GreaterThan(50), "the README's keys were found at all");
        Assert.That(mentions.Where(m => !ConfigurationKeys.IsKnown(m)), Is.Empty, "keys the README names that the gateway does not read");
    }

    [Test]
    public void Sections_AreTheOnesTheHostBinds() =>
        Assert.That(ConfigurationKeys.Sections, Is.SupersetOf(new[] { "Smtp", "Spool", "Rules", "PagerDuty", "Http", "Trust", "SupportCases", "Aws", "Logging", "Serilog" }));

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
}
