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
}
