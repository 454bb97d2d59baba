using MailGate.Cli;
using MailGate.Tests.Support;

namespace MailGate.Tests.Cli;

[TestFixture]
public sealed class CommandTests
{
    private static async Task<(int Exit, string Output)> RunAsync(params string[] args)
    {
        using var output = new StringWriter();
        var exit = await MailGateCommandLine.RunAsync(args, output, output);
        return (exit, output.ToString());
    }

    [Test]
    public async Task Version_PrintsTheVersion()
    {
        var (exit, output) = await RunAsync("version");
        Assert.That(exit, Is.Zero);
        Assert.That(output, Does.Match(@"^MailGate \d+\.\d+\.\d+"));
    }

    [Test]
    public async Task Health_RunningGateway_Exits0()
    {
        await using var pagerDuty = await FakePagerDuty.StartAsync();
        await using var gateway = await GatewayHarness.StartAsync(pagerDuty);

        var (exit, output) = await RunAsync("health", "--url", gateway.HttpUrl.ToString());

        Assert.That(exit, Is.Zero, output);
        Assert.That(output, Does.Contain("/healthz: 200"));
    }

    [Test]
    public async Task Health_NothingListening_Exits1()
    {
        var stopped = await FakePagerDuty.StartAsync();
        var closed = stopped.EventsUrl.GetLeftPart(UriPartial.Authority);
        await stopped.DisposeAsync();

        var (exit, _) = await RunAsync("health", "--url", closed);

        Assert.That(exit, Is.EqualTo(1));
    }

    [Test]
    public async Task Health_BadUrl_Exits2()
    {
        var (exit, output) = await RunAsync("health", "--url", "not a url");
        Assert.That(exit, Is.EqualTo(2));
        Assert.That(output, Does.Contain("not an absolute URL"));
    }

    /// <summary><c>health</c> reads Http:Url as the gateway does: several URLs (the first is asked), or one it would refuse (one line, exit 2; an unhandled UriFormatException before).</summary>
    [Test]
    public async Task Health_HttpUrlWithTwoUrls_AsksTheFirst()
    {
        await using var pagerDuty = await FakePagerDuty.StartAsync();
        await using var gateway = await GatewayHarness.StartAsync(pagerDuty);
        var first = gateway.HttpUrl.GetLeftPart(UriPartial.Authority);

        var (exit, output) = await RunAsync("health", $"--Http:Url={first};http://127.0.0.1:1");

        Assert.That(exit, Is.Zero, output);
        Assert.That(output, Does.Contain($"{first}/healthz: 200"));
    }

    [TestCase("--Http:Url=abc", "Configuration error: Http:Url must be a URL such as http://127.0.0.1:8025 (is 'abc')")]
    [TestCase("--Http:Url=http://127.0.0.1:99999", "Configuration error: Http:Url must have a port between 0 and 65535 (is 'http://127.0.0.1:99999')")]
    [TestCase("--Http:Ur=http://127.0.0.1:1", "Configuration error: --Http:Ur is not a MailGate setting; did you mean --Http:Url?")]
    public async Task Health_HttpUrlTheGatewayWouldRefuse_Exit2_OneLine(string setting, string expected)
    {
        var (exit, output) = await RunAsync("health", setting);

        Assert.That(exit, Is.EqualTo(2));
        Assert.That(output, Is.EqualTo(expected + Environment.NewLine));
    }
}
