using System.Text;
using System.Text.Json;
using MailGate.Cli;
using MailGate.Core.Coverage;
using MailGate.Tests.Support;
using MimeKit;

namespace MailGate.Tests.Coverage;

/// <summary><c>rules check</c> with a <c>coverage:</c> section, and <c>rules test</c> on a probe.</summary>
[TestFixture]
public sealed class CoverageRulesCommandTests
{
    private string _folder = null!;

    [SetUp]
    public void SetUp()
    {
        _folder = Path.Combine(Path.GetTempPath(), "mailgate-tests", Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(_folder);
    }

    [TearDown]
    public void TearDown() => Directory.Delete(_folder, recursive: true);

    private static string Rules(string coverage) => $$"""
        version: 1
        routes:
          oncall:
            pagerduty:
              routing_key: {{GatewayHarness.RoutingKey}}
          platform:
            pagerduty:
              routing_key: {{GatewayHarness.RoutingKey}}
        {{coverage}}
        rules:
          - name: everything
            route: oncall
        """;

    private string File(string name, string text)
    {
        var path = Path.Combine(_folder, name);
        System.IO.File.WriteAllText(path, text);
        return path;
    }

    private static async Task<(int Exit, string Output)> RunAsync(params string[] args)
    {
        using var output = new StringWriter();
        var exit = await MailGateCommandLine.RunAsync(args, output, output);
        return (exit, output.ToString());
    }

    [Test]
    public async Task Check_CoverageSection_ShownAndItsRouteCountsAsUsed()
    {
        var (exit, output) = await RunAsync("rules", "check", "--rules", File("rules.yaml", Rules("coverage: { route: platform, severity: error }")));

        Assert.That(exit, Is.Zero, output);
        Assert.That(output, Does.Contain("coverage alerts (never the rules): page platform (error)"));
        Assert.That(output, Does.Not.Contain("route 'platform' is not used"));
    }

    [Test]
    public async Task Check_CoverageSectionWithAnUndefinedRoute_ErrorWithPositionAndExits1()
    {
        var path = File("rules.yaml", Rules("coverage: { route: pager }"));

        var (exit, output) = await RunAsync("rules", "check", "--rules", path);

        Assert.That(exit, Is.EqualTo(1));
        Assert.That(output, Does.Contain($"{path}:9:20: coverage: undefined route 'pager'"));
    }

    [Test]
    public async Task Test_Probe_NamesTheTokenInTextAndJson()
    {
        var token = ProbeToken.Create(Encoding.UTF8.GetBytes("rules-test-probe-key-0123"), "123456789012", ProbeToken.NewProbeId(), DateTimeOffset.UnixEpoch.AddYears(56));
        var message = new MimeMessage();
        message.From.Add(MailboxAddress.Parse("coverage@mailgate.example.com"));
        message.To.Add(MailboxAddress.Parse("aws-root-123456789012@example.com"));
        message.Subject = $"{ProbeToken.SubjectPrefix} {token}";
        message.Body = new TextPart("plain") { Text = token };
        var eml = Path.Combine(_folder, "probe.eml");
        await message.WriteToAsync(eml);
        var rules = File("rules.yaml", Rules(""));

        var (exit, text) = await RunAsync("rules", "test", eml, "--rules", rules);
        var (_, json) = await RunAsync("rules", "test", eml, "--rules", rules, "--json");

        Assert.That(exit, Is.Zero, text);
        Assert.That(text, Does.Contain($"Coverage probe token {token}: a gateway with Coverage:ProbeKey on records a valid, new probe before the rules"));
        using var document = JsonDocument.Parse(json);
        Assert.That(document.RootElement.GetProperty("probe_token").GetString(), Is.EqualTo(token));
    }
}
