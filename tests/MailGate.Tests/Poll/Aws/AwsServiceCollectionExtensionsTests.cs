using MailGate.Poll.Aws;
using MailGate.Tests.Support;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace MailGate.Tests.Poll.Aws;

[TestFixture]
public sealed class AwsServiceCollectionExtensionsTests
{
    [Test]
    public async Task AddAwsClients_ResolvingEveryClient_ContactsNothing()
    {
        await using var aws = await FakeAws.StartAsync();
        await using var services = AwsServices.Create(aws, TimeProvider.System, new Dictionary<string, string?> { ["Aws:ExternalId"] = "ext-123" });

        services.GetRequiredService<OrganizationsClient>();
        services.GetRequiredService<SupportClient>();
        services.GetRequiredService<MemberAccountCredentials>();

        Assert.Multiple(() =>
        {
            Assert.That(services.GetRequiredService<IOptions<AwsOptions>>().Value.ExternalId, Is.EqualTo("ext-123"));
            Assert.That(aws.Requests, Is.Empty);
        });
    }

    [Test]
    public async Task AddAwsClients_InvalidSettings_FailOnFirstUseNotAtRegistration()
    {
        await using var aws = await FakeAws.StartAsync();
        await using var services = AwsServices.Create(aws, TimeProvider.System, new Dictionary<string, string?> { ["Aws:MaxAttempts"] = "0" });

        var e = Assert.Throws<OptionsValidationException>(() => _ = services.GetRequiredService<IOptions<AwsOptions>>().Value);

        Assert.That(e!.Message, Does.Contain("Aws:MaxAttempts must be between 1 and 20"));
    }
}
