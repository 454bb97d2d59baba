using MailGate.Core.Parse;
using MailGate.Core.Storage;
using System.Text;
using System.Text.Json;
using MailGate.Cli;
using MailGate.Parse;
using MailGate.Tests.Support;
using MimeKit;

namespace MailGate.Tests.Cli;

/// <summary>
/// Issue #11 §1 in the CLI: <c>rules test</c>, <c>spool list</c> and <c>spool show</c> print a sender's
/// text with terminal escapes, bidi overrides and separators shown as <c>\uXXXX</c>, never raw.
/// </summary>
[TestFixture]
public sealed class HostileTextCommandTests : GatewayTestBase
{
    private const string Subject = "Invoice \u001b[2J\u001b[31mRED\u001b[0m \u202Efdp.exe \u2066x\u2069 a\u2028b";

    private static readonly string Raw =
        "From: AWS <ec2-abuse@amazon.com>\r\n"
        + "To: aws-abuse@mailgate.example.com\r\n"
        + $"Subject: =?UTF-8?B?{Convert.ToBase64String(Encoding.UTF8.GetBytes(Subject))}?=\r\n"
        + "X-Raw: bell\a and escape \u001b[5m here\r\n"
        + "Message-ID: <hostile-cli@example.net>\r\n"
        + "\r\n"
        + "Body \u001b]0;title\a text\r\n";

    private string WriteMessage()
    {
        var path = Path.Combine(Gateway.Folder, "hostile.eml");
        File.WriteAllBytes(path, Encoding.UTF8.GetBytes(Raw));
        return path;
    }

    private static async Task<(int Exit, string Output)> RunAsync(params string[] args)
    {
        using var output = new StringWriter();
        var exit = await MailGateCommandLine.RunAsync(args, output, output);
        return (exit, output.ToString());
    }

    [Test]
    public async Task RulesTest_HostileMessage_PrintsEscapesOnly()
    {
        var (exit, output) = await RunAsync("rules", "test", WriteMessage(), "--rules", Gateway.RulesPath);

        using (Assert.EnterMultipleScope())
        {
            Assert.That(exit, Is.Zero, output);
            Assert.That(UntrustedText.NeedsEscape(output, keep: "\n"), Is.False, output);
            Assert.That(output, Does.Contain("subject        Invoice \\u001B[2J\\u001B[31mRED\\u001B[0m \\u202Efdp.exe \\u2066x\\u2069 a\\u2028b"));
            Assert.That(output, Does.Contain("(was 'Invoice \\u001B[2J"), "the rule trace quotes the subject escaped too");
            Assert.That(output, Does.Contain("body           Body \\u001B]0;title\\u0007 text"));
        }
    }

    [Test]
    public async Task RulesTestJson_HostileMessage_ValidJsonWithTheExactValues()
    {
        var (exit, output) = await RunAsync("rules", "test", WriteMessage(), "--rules", Gateway.RulesPath, "--json");

        Assert.That(exit, Is.Zero, output);
        Assert.That(UntrustedText.NeedsEscape(output, keep: "\n"), Is.False, output);
        using var json = JsonDocument.Parse(output);
        Assert.That(json.RootElement.GetProperty("facts").GetProperty("subject").GetString(), Is.EqualTo(Subject), "escaped for the terminal, the same value for a program");
    }

    [Test]
    public async Task SpoolListAndShow_HostileMessage_PrintEscapesOnly()
    {
        var id = await Mail.SendAsync(Gateway, MimeMessage.Load(new MemoryStream(Encoding.UTF8.GetBytes(Raw))));
        Assert.That(await Gateway.WaitFinishedAsync(id), Is.EqualTo(SpoolArea.Done));

        var (listExit, list) = await RunAsync("spool", "list", "--all", "--spool", Gateway.SpoolPath);
        var (showExit, show) = await RunAsync("spool", "show", id, "--spool", Gateway.SpoolPath);

        using (Assert.EnterMultipleScope())
        {
            Assert.That((listExit, showExit), Is.EqualTo((0, 0)));
            Assert.That(UntrustedText.NeedsEscape(list, keep: "\n"), Is.False, list);
            Assert.That(UntrustedText.NeedsEscape(show, keep: "\n"), Is.False, show);
            Assert.That(list, Does.Contain("Invoice \\u001B[2J"));
            Assert.That(show, Does.Contain("X-Raw: bell\\u0007 and escape \\u001B[5m here\n"), "one header a line, its escapes visible");
        }
    }
}
