using MailGate.Tests.Support;
using MailGate.Tests.Support.Aws;
using Microsoft.Extensions.DependencyInjection;

namespace MailGate.Tests.Poll.Aws;

/// <summary>A fresh <see cref="FakeAws"/> on a <see cref="DrivenTime"/> for each test, and the clients registered against it.</summary>
public abstract class AwsTestBase
{
    private ServiceProvider? _services;

    private protected FakeAws Aws { get; private set; } = null!;

    private protected DrivenTime Time { get; private set; } = null!;

    [SetUp]
    public async Task StartFakeAwsAsync()
    {
        Time = new DrivenTime(AwsServices.Start);
        Aws = await FakeAws.StartAsync(Time);
    }

    [TearDown]
    public async Task StopFakeAwsAsync()
    {
        if (_services is not null)
        {
            await _services.DisposeAsync();
            _services = null;
        }

        await Aws.DisposeAsync();
    }

    /// <summary>The <typeparamref name="T"/> of a container pointed at the fake, with <paramref name="settings"/> on top.</summary>
    private protected T Resolve<T>(IReadOnlyDictionary<string, string?>? settings = null)
        where T : notnull
    {
        _services = AwsServices.Create(Aws, Time, settings);
        return _services.GetRequiredService<T>();
    }
}
