using MailGate.Cli;

namespace MailGate.Tests.Cli;

/// <summary><c>mailgate rules test</c> with JSON that looks like a Health event but is not one (the shapes that page: <see cref="RulesCommandTests"/>).</summary>
[TestFixture]
public sealed class RulesTestHealthCommandTests
{
    private static string ShippedRules => Path.Combine(TestContext.CurrentContext.TestDirectory, "Fixtures", "shipped-rules.yaml");

    private static async Task<(int Exit, string Output)> RunAsync(params string[] args)
    {
        using var output = new StringWriter();
        var exit = await MailGateCommandLine.RunAsync(args, output, output);
        return (exit, output.ToString());
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
