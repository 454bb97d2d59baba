namespace MailGate.Tests.Support;

/// <summary>
/// A fixture with a fresh gateway and fake PagerDuty per test: started before each test (after the
/// base set-up, a derived [SetUp] may add to them) and stopped after it.
/// </summary>
public abstract class GatewayTestBase
{
    protected FakePagerDuty PagerDuty { get; private set; } = null!;

    protected GatewayHarness Gateway { get; private set; } = null!;

    /// <summary>The rules file the gateway starts with.</summary>
    protected virtual string Rules => GatewayHarness.DefaultRules;

    /// <summary>Extra <c>--Section:Key=value</c> settings.</summary>
    protected virtual string[] Settings => [];

    [SetUp]
    public async Task StartGatewayAsync()
    {
        PagerDuty = await FakePagerDuty.StartAsync();
        Gateway = await GatewayHarness.StartAsync(PagerDuty, Rules, Settings);
    }

    [TearDown]
    public async Task StopGatewayAsync()
    {
        await Gateway.DisposeAsync();
        await PagerDuty.DisposeAsync();
    }
}
