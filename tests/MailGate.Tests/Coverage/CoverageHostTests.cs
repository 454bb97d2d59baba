using System.Collections.Concurrent;
using MailGate.Core.Coverage;
using MailGate.Core.Messages;
using MailGate.Core.Storage;
using MailGate.Coverage;
using MailGate.Tests.Support;
using MailGate.Tests.Support.Aws;
using Microsoft.Extensions.DependencyInjection;
using MimeKit;

namespace MailGate.Tests.Coverage;

/// <summary>
/// The real host with <c>Coverage:Enabled</c>: the leader sends one probe per account of the rules file through a
/// <see cref="FakeRelay"/> (which forwards it to MailGate's SMTP port the way a Google Group does), records
/// <c>sent-{account}</c>, and a coverage alert commits to the spool as a <c>coverage</c> record. Until the receiver
/// (recognition) is merged the forwarded probes are decided by the rules, which drop them here.
/// </summary>
[TestFixture]
public sealed class CoverageHostTests
{
    private const string Rules = $$"""
        version: 1
        routes:
          oncall:
            pagerduty:
              routing_key: {{GatewayHarness.RoutingKey}}
        rules:
          - name: everything-else
            action: drop
        accounts:
          aws-root-111111111111@roots.test: { id: "111111111111", name: prod-payments, owner: payments }
          aws-root-222222222222@roots.test: { id: "222222222222", name: sandbox, owner: platform }
          aws-root-222222222222.roots.test: { id: "222222222222", name: sandbox, owner: platform }
        """;

    private static readonly TimeSpan Guard = TimeSpan.FromSeconds(30);

    private FakePagerDuty _pagerDuty = null!;
    private FakeRelay _relay = null!;
    private GatewayHarness? _gateway;

    [SetUp]
    public async Task StartFakesAsync()
    {
        _pagerDuty = await FakePagerDuty.StartAsync();
        _relay = await FakeRelay.StartAsync();
    }

    [TearDown]
    public async Task StopAsync()
    {
        if (_gateway is not null)
        {
            await _gateway.DisposeAsync();
        }

        await _relay.DisposeAsync();
        await _pagerDuty.DisposeAsync();
    }

    private string[] Settings() =>
    [
        "--Coverage:Enabled=true",
        "--Coverage:From=mailgate-probe@gateway.test",
        "--Coverage:ProbeKey=coverage-host-test-key-0123456789",
        "--Coverage:Relay:Host=127.0.0.1",
        $"--Coverage:Relay:Port={_relay.Port}",
        "--Coverage:Relay:StartTls=never",
        "--Coverage:CheckInterval=00:00:01",
    ];

    [Test]
    public async Task TheLeader_ProbesEachRulesFileAddressOnce_ThroughTheRelay_AndRecordsWhatItSent()
    {
        var taken = new ConcurrentQueue<MimeMessage>();
        var two = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        _relay.Taken += (_, message) =>
        {
            taken.Enqueue(message);
            if (taken.Count >= 2)
            {
                two.TrySetResult();
            }
        };
        _relay.Deliver = message => FakeRelay.ForwardAsync(message, _gateway!.SmtpEndpoint, "aws-abuse@mailgate.example.com");
        _gateway = await GatewayHarness.StartAsync(_pagerDuty, Rules, Settings());

        await two.Task.WaitAsync(Guard);
        var scheduler = _gateway.Services.GetRequiredService<CoverageScheduler>();
        var checkedOnce = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        scheduler.Checked += (_, _) => checkedOnce.TrySetResult();
        await checkedOnce.Task.WaitAsync(Guard); // a later check: the round that sent them has finished writing

        var documents = _gateway.Services.GetRequiredService<IPollerCursors>().Cursors(CoverageDocuments.Store);
        var sent = new[] { "111111111111", "222222222222" }
            .Select(id => CoverageDocuments.Read<ProbeSent>(documents.Read(CoverageDocuments.SentKey(id)))!)
            .ToArray();
        Assert.Multiple(() =>
        {
            Assert.That(_relay.DeliveryErrors, Is.Empty, "the group delivered each probe to MailGate");
            Assert.That(taken.Select(m => m.To.Mailboxes.Single().Address).Order(), Is.EqualTo(new[] { "aws-root-111111111111@roots.test", "aws-root-222222222222@roots.test" }));
            Assert.That(sent.Select(s => s.ProbeId), Is.All.Not.Null);
            Assert.That(sent.Select(s => s.RootAddress), Is.EqualTo(new[] { "aws-root-111111111111@roots.test", "aws-root-222222222222@roots.test" }));
            Assert.That(sent.Select(s => s.AccountName), Is.EqualTo(new[] { "prod-payments", "sandbox" }));
            Assert.That(taken.Select(m => m.Headers[ProbeToken.HeaderName] ?? ""), Is.EquivalentTo(sent.Select(s => ProbeTokenOf(s, taken))));
            Assert.That(_pagerDuty.Accepted, Is.Empty, "a probe never pages");
        });
    }

    [Test]
    public async Task WithOrganization_TheOrganizationsActiveAccountsAreProbedToo_AtTheirRootEmail()
    {
        await using var aws = await FakeAws.StartAsync();
        aws.Organizations.AddAccount("111111111111", "prod-payments", "root+prod@roots.test");
        aws.Organizations.AddAccount("333333333333", "new-account", "root+new@roots.test");
        aws.Organizations.AddAccount("444444444444", "closing", "root+closing@roots.test", "SUSPENDED");
        var three = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var taken = new ConcurrentQueue<string>();
        _relay.Taken += (_, message) =>
        {
            taken.Enqueue(message.To.Mailboxes.Single().Address);
            if (taken.Count >= 3)
            {
                three.TrySetResult();
            }
        };

        _gateway = await GatewayHarness.StartAsync(
            _pagerDuty,
            services => FakeAwsCredentialSource.Register(services),
            Rules,
            [.. Settings(), "--Coverage:Organization=true", .. aws.Settings.Select(kv => $"--{kv.Key}={kv.Value}")]);
        await three.Task.WaitAsync(Guard);

        Assert.That(taken.Order(), Is.EqualTo(new[] { "aws-root-222222222222@roots.test", "root+new@roots.test", "root+prod@roots.test" }));
    }

    [Test]
    public async Task AnAlert_IsCommittedToTheSpool_AsACoverageRecordWithTheAlertsJson()
    {
        _gateway = await GatewayHarness.StartAsync(_pagerDuty, Rules, Settings());
        var alert = new CoverageAlert
        {
            Kind = CoverageStates.MissingAlert,
            DedupKey = CoverageAlert.AccountKey("222222222222"),
            Summary = "No coverage probe from AWS account sandbox (222222222222, aws-root-222222222222@roots.test) came back",
            AccountId = "222222222222",
            RaisedAt = DateTimeOffset.UtcNow,
        };

        var id = await _gateway.Services.GetRequiredService<ICoverageAlerts>().RaiseAsync(alert, "222222222222", CancellationToken.None);
        await _gateway.WaitFinishedAsync(id, Guard);

        var stored = new[] { SpoolArea.Done, SpoolArea.Dead }.SelectMany(area => _gateway.Spool.List(area)).Single(m => m.Id == id);
        Assert.Multiple(() =>
        {
            Assert.That(stored.Envelope.Origin, Is.EqualTo(new CoverageOrigin("222222222222")));
            Assert.That(CoverageDocuments.Read<CoverageAlert>(File.ReadAllBytes(stored.MessagePath)), Is.EqualTo(alert));
        });
    }

    private static string ProbeTokenOf(ProbeSent sent, IEnumerable<MimeMessage> taken) =>
        taken.Select(m => m.Headers[ProbeToken.HeaderName] ?? "").Single(token => token.Contains($"-{sent.AccountId}-{sent.ProbeId}-", StringComparison.Ordinal));
}
