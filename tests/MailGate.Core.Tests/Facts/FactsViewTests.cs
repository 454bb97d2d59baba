using MailGate.Core.Messages;
using MailGate.Core.Facts;
using MailGate.Core.Parse;
using MailGate.Core.Storage;
using System.Globalization;
using System.Text.Json.Nodes;

namespace MailGate.Core.Tests.Facts;

/// <summary>
/// <c>rules test --json</c>'s facts, read from the registry, are key for key and byte for byte what the
/// hand-written object gave before it (<see cref="Before"/>, kept here as the oracle), for every mail and
/// support-case fixture.
/// </summary>
public sealed class FactsViewTests
{
    private static readonly DateTimeOffset Received = new(2026, 11, 28, 14, 3, 9, TimeSpan.Zero);

    public static IEnumerable<string> MailFixtures() =>
        Directory.GetFiles(Path.Combine(TestContext.CurrentContext.TestDirectory, "Fixtures", "mail"), "*.eml").Select(Path.GetFileName).Order(StringComparer.Ordinal)!;

    public static IEnumerable<string> CaseFixtures() =>
        Directory.GetFiles(Path.Combine(TestContext.CurrentContext.TestDirectory, "Fixtures", "support-cases"), "*.json").Select(Path.GetFileName).Order(StringComparer.Ordinal)!;

    [TestCaseSource(nameof(MailFixtures))]
    public void Json_MailFixture_IsTheFactsObjectOfBefore(string fixture)
    {
        using var stream = File.OpenRead(Path.Combine(TestContext.CurrentContext.TestDirectory, "Fixtures", "mail", fixture));
        var facts = new MessageParser().Parse("s1", Envelope.ForMail("group+bnc@example.com", ["aws-abuse@mailgate.example.com"], Received, "192.0.2.10", "s1"), stream);

        Assert.That(FactsView.Json(facts).ToJsonString(), Is.EqualTo(Before(facts).ToJsonString()));
    }

    [TestCaseSource(nameof(CaseFixtures))]
    public void Json_SupportCaseFixture_IsTheFactsObjectOfBefore(string fixture)
    {
        var envelope = Envelope.ForSupportCase(new SupportCaseOrigin("123456789012", "prod-payments", "aws-root-123456789012@example.com", "en"), Received);
        using var stream = File.OpenRead(Path.Combine(TestContext.CurrentContext.TestDirectory, "Fixtures", "support-cases", fixture));
        var cases = SupportCaseReader.ReadAll("s2", envelope, stream);

        Assert.That(cases.Select(f => FactsView.Json(f).ToJsonString()), Is.EqualTo(cases.Select(f => Before(f).ToJsonString())));
    }

    /// <summary>The facts object <c>RulesTestJson</c> wrote before the registry, verbatim.</summary>
    private static JsonObject Before(MessageFacts facts) => new()
    {
        ["sender"] = facts.Sender,
        ["from"] = facts.From,
        ["envelope_from"] = facts.EnvelopeFrom,
        ["recipients"] = Strings(facts.Recipients),
        ["to"] = Strings(facts.To),
        ["cc"] = Strings(facts.Cc),
        ["subject"] = facts.Subject,
        ["list_id"] = facts.ListId,
        ["message_id"] = facts.MessageId,
        ["date"] = facts.Date?.ToString("o", CultureInfo.InvariantCulture),
        ["account_id"] = facts.AccountId,
        ["account_ids"] = Strings(facts.AccountIds),
        ["account_name"] = facts.AccountName,
        ["account_owner"] = facts.AccountOwner,
        ["authentication"] = facts.Authentication.ToString(),
        ["body"] = facts.Body,
        ["source"] = facts.Source,
        ["case"] = facts.Case is not { } c ? null : new JsonObject
        {
            ["case_id"] = c.CaseId,
            ["display_id"] = c.DisplayId,
            ["category"] = c.Category,
            ["service"] = c.Service,
            ["severity"] = c.Severity,
            ["status"] = c.Status,
            ["submitted_by"] = c.SubmittedBy,
            ["language"] = c.Language,
            ["time_created"] = c.TimeCreated,
        },
        ["health"] = null, // added with AWS Health events (issue #16): their own object, null for mail and cases
        ["coverage"] = null, // added with coverage alerts (issue #15): their own object, null for everything else
    };

    private static JsonArray Strings(IEnumerable<string> values) => new([.. values.Select(v => (JsonNode?)v)]);
}
