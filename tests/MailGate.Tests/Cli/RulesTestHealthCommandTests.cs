using System.Text.Json;
using MailGate.Cli;

namespace MailGate.Tests.Cli;

/// <summary><c>mailgate rules test</c> with AWS Health events as JSON, in both shapes, against the shipped rules.</summary>
[TestFixture]
public sealed class RulesTestHealthCommandTests
{
    private static string Fixture(string name) => Path.Combine(TestContext.CurrentContext.TestDirectory, "Fixtures", "health-events", name);

    private static string ShippedRules => Path.Combine(TestContext.CurrentContext.TestDirectory, "Fixtures", "shipped-rules.yaml");

    private static async Task<(int Exit, string Output)> RunAsync(params string[] args)
    {
        using var output = new StringWriter();
        var exit = await MailGateCommandLine.RunAsync(args, output, output);
        return (exit, output.ToString());
    }

    [Test]
    public async Task EventBridgeEvent_PagesWithTheShippedRule()
    {
        var (exit, output) = await RunAsync("rules", "test", Fixture("eventbridge-risk.json"), "--rules", ShippedRules);

        Assert.That(exit, Is.Zero, output);
        Assert.That(output, Does.Contain("health-event"));
        Assert.That(output, Does.Contain("[MATCH] aws-health-security-event"));
        Assert.That(output, Does.Contain("Decision: PAGE route 'security-oncall' by rule 'aws-health-security-event', severity critical"));
        Assert.That(output, Does.Contain("111122223333"));
    }

    [Test]
    public async Task DescribeEventDetailsForOrganizationResponse_DecidesEachAccount_AsJson()
    {
        var (exit, output) = await RunAsync("rules", "test", Fixture("details-two-accounts.json"), "--rules", ShippedRules, "--json");

        Assert.That(exit, Is.Zero, output);
        using var document = JsonDocument.Parse(output);
        var results = document.RootElement.EnumerateArray().ToArray();
        Assert.That(results, Has.Length.EqualTo(2));
        Assert.That(results.Select(r => r.GetRawText()), Has.All.Contains("health-event"));
    }

    [Test]
    public async Task NotHealthNorCase_Exit1()
    {
        var folder = Path.Combine(Path.GetTempPath(), "mailgate-tests", Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(folder);
        try
        {
            var path = Path.Combine(folder, "event.json");
            await File.WriteAllTextAsync(path, """{"source":"aws.health","detail":{"service":"RISK"}}""");
            var (exit, output) = await RunAsync("rules", "test", path, "--rules", ShippedRules);
            Assert.That((exit, output), Is.EqualTo((1, $"{path}: not an AWS Health event: the EventBridge detail has no eventArn{Environment.NewLine}")));
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }
}
