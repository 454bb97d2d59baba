using MailGate.Core.Messages;
using MailGate.Core.Parse;
using MailGate.Core.Storage;
using System.Text;
using MailGate.Cli;
using MailGate.Parse;
using MailGate.Tests.Support;
using Microsoft.Extensions.DependencyInjection;

namespace MailGate.Tests.Parse;

/// <summary><c>Parse:FallbackCharsets</c> reaches the gateway's parser and <c>rules test</c>.</summary>
[TestFixture]
public sealed class FallbackCharsetsConfigurationTests
{
    private const string Cyrillic = "Отчёт о нарушении";

    private static byte[] RawCyrillicSubject()
    {
        Encoding.RegisterProvider(CodePagesEncodingProvider.Instance);
        return [.. "From: a@example.com\r\nTo: b@mailgate.example.com\r\nSubject: "u8, .. Encoding.GetEncoding("windows-1251").GetBytes(Cyrillic), .. "\r\n\r\nbody\r\n"u8];
    }

    [TestCase(null, false)]
    [TestCase("windows-1251", true)]
    public async Task Gateway_ParsesWithTheConfiguredCharsets(string? charset, bool cyrillic)
    {
        await using var pagerDuty = await FakePagerDuty.StartAsync();
        await using var gateway = await GatewayHarness.StartAsync(pagerDuty, GatewayHarness.DefaultRules, charset is null ? [] : [$"--Parse:FallbackCharsets:0={charset}"]);
        using var stream = new MemoryStream(RawCyrillicSubject());

        var facts = gateway.Services.GetRequiredService<MessageParser>().Parse("spool-1", Envelope.ForMail("", [], DateTimeOffset.UnixEpoch, null, null), stream);

        Assert.That(facts.Subject == Cyrillic, Is.EqualTo(cyrillic), facts.Subject);
    }

    [Test]
    public async Task RulesTest_ParsesWithTheConfiguredCharsets()
    {
        var folder = Path.Combine(Path.GetTempPath(), "mailgate-tests", Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(folder);
        try
        {
            var message = Path.Combine(folder, "cyrillic.eml");
            var rules = Path.Combine(folder, "rules.yaml");
            await File.WriteAllBytesAsync(message, RawCyrillicSubject());
            await File.WriteAllTextAsync(rules, GatewayHarness.DefaultRules);
            using var output = new StringWriter();

            var exit = await MailGateCommandLine.RunAsync(["rules", "test", message, "--rules", rules, "--Parse:FallbackCharsets:0=windows-1251"], output, output);
            using var bad = new StringWriter();
            var badExit = await MailGateCommandLine.RunAsync(["rules", "test", message, "--rules", rules, "--Parse:FallbackCharsets:0=x-no-such-charset"], bad, bad);

            using (Assert.EnterMultipleScope())
            {
                Assert.That(exit, Is.Zero, output.ToString());
                Assert.That(output.ToString(), Does.Contain("subject        " + Cyrillic));
                Assert.That(badExit, Is.EqualTo(ExitCodes.Failure));
                Assert.That(bad.ToString(), Does.Contain("Parse:FallbackCharsets: 'x-no-such-charset' is not a charset .NET knows"));
            }
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }
}
