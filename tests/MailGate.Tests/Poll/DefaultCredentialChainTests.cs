using MailGate.Tests.Shared;
using MailGate.Tests.Support;
using MailGate.Tests.Support.Aws;

namespace MailGate.Tests.Poll;

/// <summary>
/// The AWS SDK's real default credential chain, the gateway's own base credentials source: exercised in
/// the real gateway as a child process, whose environment alone carries the keys, so that this test
/// process's environment is never changed (every other test gives the keys through <see cref="FakeAwsCredentialSource"/>).
/// </summary>
[TestFixture]
public sealed class DefaultCredentialChainTests
{
    private const string Prod = "111111111111";

    private GatewayProcessFolder _run = null!;

    [SetUp]
    public void SetUp() => _run = new GatewayProcessFolder(SupportCasePollerTestBase.Rules);

    [TearDown]
    public void TearDown() => _run.Dispose();

    [Test]
    public async Task Gateway_KeysInItsEnvironment_AreFoundByTheSdkChain_AndSignEveryBaseCall()
    {
        await using var aws = await FakeAws.StartAsync();
        aws.Organizations.AddAccount(Prod, "prod-payments", "aws-root-111111111111@example.com");
        var added = aws.Support.AddCase(Prod, new FakeCase { TimeCreated = DateTimeOffset.UtcNow.AddMinutes(-1) });
        await using var pagerDuty = await FakePagerDuty.StartAsync();
        var environment = FakeAwsCredentialSource.ChildEnvironment(_run.Folder);

        await using var gateway = GatewayProcess.Start(
            environment,
            _run.Settings(
                pagerDuty,
                [
                    "--SupportCases:Enabled=true",
                    "--SupportCases:Jitter=00:00:00",
                    .. aws.Settings.Select(kv => $"--{kv.Key}={kv.Value}"),
                ]));
        await pagerDuty.WaitForAsync(r => r.Count >= 1, TimeSpan.FromSeconds(60));
        gateway.Terminate();
        var exitCode = await gateway.WaitForExitAsync(TimeSpan.FromSeconds(30));

        var byBase = aws.Requests.Where(r => r.Operation is "ListAccounts" or "AssumeRole").ToArray();
        Assert.Multiple(() =>
        {
            Assert.That(pagerDuty.Accepted.Single().DedupKey, Is.EqualTo($"mailgate-{SupportCasePollerTestBase.Rule}-{added.CaseId}"));
            Assert.That(byBase.Select(r => r.Operation).Distinct(), Is.EquivalentTo(new[] { "ListAccounts", "AssumeRole" }));
            Assert.That(byBase.Select(r => r.AccessKeyId), Is.All.EqualTo(FakeAwsCredentialSource.BaseAccessKeyId), "the keys the chain found in the child's environment");
            Assert.That(aws.SignatureProblems, Is.Empty);
            Assert.That(Environment.GetEnvironmentVariable("AWS_ACCESS_KEY_ID"), Is.Not.EqualTo(FakeAwsCredentialSource.BaseAccessKeyId), "set in the child only");
            Assert.That(exitCode, Is.Zero, string.Join('\n', gateway.Lines));
        });
    }
}
