using MailGate.Core.Messages;
using MailGate.Core.Deliver;
using MailGate.Core.Parse;
using MailGate.Core.Rules;
using MailGate.Core.Spool;
using MailGate.Core.Storage;
using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization.Metadata;

namespace MailGate.Core.Tests.Deliver;

/// <summary>
/// The PagerDuty events of every fixture (each email for both gateway addresses, each support case as
/// a trigger and a resolve), decided by a frozen rule set (tests/Fixtures/approved-events/rules.yaml)
/// whose first rule uses every placeholder, compared byte for byte with the approved files in
/// tests/Fixtures/approved-events/: the wire JSON PagerDuty receives and the spool's indented form,
/// which must also read back into the same event. The approved files were written before the field
/// registry replaced the typed custom details, so the registry provably sends the same bytes.
/// On a difference the test writes the new text beside the test output (see the failure message);
/// copy it over the approved file only when the change is meant.
/// </summary>
[TestFixture]
public sealed class ApprovedEventsTests
{
    private const string Abuse = "aws-abuse@mailgate.example.com";
    private const string Incident = "aws-incident1@mailgate.example.com";
    private static readonly DateTimeOffset Received = new(2026, 11, 28, 14, 3, 9, TimeSpan.Zero);

    private static readonly RuleSet Rules = RulesLoader.Load(
        Path.Combine(TestContext.CurrentContext.TestDirectory, "Fixtures", "approved-events", "rules.yaml"),
        new RulesLoadOptions { Environment = _ => "R0123456789abcdef0123456789abcde" });

    private static readonly JsonTypeInfo<PagerDutyEvent> Spooled =
        (JsonTypeInfo<PagerDutyEvent>)SpoolJsonContext.Default.GetTypeInfo(typeof(PagerDutyEvent))!;

    public static IEnumerable<string> MailFixtures() =>
        Directory.GetFiles(Path.Combine(TestContext.CurrentContext.TestDirectory, "Fixtures", "mail"), "*.eml").Select(Path.GetFileName).Order(StringComparer.Ordinal)!;

    public static IEnumerable<string> CaseFixtures() =>
        Directory.GetFiles(Path.Combine(TestContext.CurrentContext.TestDirectory, "Fixtures", "support-cases"), "*.json").Select(Path.GetFileName).Order(StringComparer.Ordinal)!;

    [TestCaseSource(nameof(MailFixtures))]
    public void Events_OfMailFixture_AreTheApprovedBytes(string fixture)
    {
        var text = new StringBuilder();
        foreach (var recipient in new[] { Abuse, Incident })
        {
            var path = Path.Combine(TestContext.CurrentContext.TestDirectory, "Fixtures", "mail", fixture);
            using var stream = File.OpenRead(path);
            var envelope = Envelope.ForMail("group+bnc@example.com", [recipient], Received, "192.0.2.10", "s1");
            var facts = AccountResolver.Resolve(new MessageParser().Parse("019ac2f0-" + fixture.Length, envelope, stream), Rules.Accounts);
            Append(text, recipient, facts, resolve: false);
        }

        Approve(fixture, text.ToString());
    }

    [TestCaseSource(nameof(CaseFixtures))]
    public void Events_OfSupportCaseFixture_AreTheApprovedBytes(string fixture)
    {
        var text = new StringBuilder();
        var envelope = Envelope.ForSupportCase(new SupportCaseOrigin("123456789012", "prod-payments", "aws-root-123456789012@example.com", "en"), Received);
        using var stream = File.OpenRead(Path.Combine(TestContext.CurrentContext.TestDirectory, "Fixtures", "support-cases", fixture));
        var cases = SupportCaseReader.ReadAll("019ac2f1-case", envelope, stream);
        for (var i = 0; i < cases.Count; i++)
        {
            var facts = AccountResolver.Resolve(cases[i], Rules.Accounts);
            Append(text, $"case {i}", facts, resolve: false);
            Append(text, $"case {i}", facts, resolve: true);
        }

        Approve(fixture, text.ToString());
    }

    /// <summary>Facts at every bound: a body over the excerpt, 60 recipients, a 2,000-char subject, control and bidi characters, several accounts, a verdict.</summary>
    [Test]
    public void Events_OfFactsAtTheLimits_AreTheApprovedBytes()
    {
        var facts = new MessageFacts
        {
            SpoolId = "019ac2f2-limits",
            Sender = "trustandsafety@support.aws.com",
            From = "aws-root-123456789012@example.com",
            EnvelopeFrom = "group+bnc@example.com",
            Recipients = [.. Enumerable.Range(0, 60).Select(i => $"r{i}@mailgate.example.com")],
            To = ["aws-root-123456789012@example.com"],
            Cc = ["sec\u202eurity@example.com"],
            Subject = "Your AWS Abuse\tReport [12345678] " + new string('x', 2000) + " \u001b[2J",
            Body = "Line one\r\n\tindented \u001b[31m red \u202e reversed\n" + string.Concat(Enumerable.Repeat("0123456789", 1000)),
            ListId = "",
            MessageId = "limits@example.com",
            Date = new DateTimeOffset(2026, 11, 28, 9, 0, 0, TimeSpan.FromHours(-5)),
            ReceivedAt = Received,
            ContentHash = "c0ffee",
            AccountId = "123456789012",
            AccountName = "prod-payments",
            AccountOwner = "payments-team",
            OtherAccounts = [new AccountInfo("210987654321", "sandbox", "platform-team"), new AccountInfo("111122223333", "", "")],
            Authentication = new MailGate.Core.Parse.Authentication.AuthenticationFacts
            {
                Arc = MailGate.Core.Parse.Authentication.AuthOutcome.Pass,
                ArcSealer = "google.com",
                Original = new MailGate.Core.Parse.Authentication.OriginalAuthentication("pass", "support.aws.com", ["support.aws.com"], "pass"),
            },
        };
        var text = new StringBuilder();
        Append(text, "limits", facts, resolve: false);

        Approve("facts-at-the-limits", text.ToString());
    }

    private static void Append(StringBuilder text, string label, MessageFacts facts, bool resolve)
    {
        foreach (var match in RuleEvaluator.Evaluate(Rules, facts).Matches)
        {
            var built = PagerDutyEventBuilder.Build(facts, match, "approved-rules-version", resolve);
            var wire = JsonSerializer.Serialize(built, PagerDutyJsonContext.Default.PagerDutyEvent);
            var spooled = JsonSerializer.Serialize(built, Spooled);
            var readBack = JsonSerializer.Deserialize(spooled, Spooled)!;
            Assert.That(JsonSerializer.Serialize(readBack, Spooled), Is.EqualTo(spooled), $"{label} {match.Rule}: the spool's form reads back into the same event");
            Assert.That(JsonSerializer.Serialize(readBack, PagerDutyJsonContext.Default.PagerDutyEvent), Is.EqualTo(wire), $"{label} {match.Rule}: an event read from the spool is sent as built");
            text.Append("### ").Append(label).Append(' ').Append(match.Rule).Append(resolve ? " resolve" : " trigger").Append('\n');
            text.Append(wire).Append('\n');
            text.Append(spooled.ReplaceLineEndings("\n")).Append('\n');
        }
    }

    private static void Approve(string fixture, string received)
    {
        var name = Path.GetFileNameWithoutExtension(fixture) + ".txt";
        var approvedPath = Path.Combine(TestContext.CurrentContext.TestDirectory, "Fixtures", "approved-events", name);
        var approved = File.Exists(approvedPath) ? File.ReadAllText(approvedPath) : null;
        if (approved == received)
        {
            Assert.That(received, Does.StartWith("### "), "the fixture gave events at all");
            return;
        }

        var receivedPath = Path.Combine(TestContext.CurrentContext.WorkDirectory, "received-events", name);
        Directory.CreateDirectory(Path.GetDirectoryName(receivedPath)!);
        File.WriteAllText(receivedPath, received);
        Assert.Fail($"the events of {fixture} differ from tests/Fixtures/approved-events/{name}{(approved is null ? " (missing)" : "")}; the events built now: {receivedPath}");
    }
}
