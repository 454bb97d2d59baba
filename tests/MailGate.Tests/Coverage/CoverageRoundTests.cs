using System.Net;
using System.Net.Sockets;
using MailGate.Core.Coverage;
using MailGate.Coverage;
using MailGate.Tests.Support;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;

namespace MailGate.Tests.Coverage;

/// <summary>
/// The coverage leader's rounds on a fake clock, sending with the real MailKit sender through a <see cref="FakeRelay"/>
/// on loopback, whose deliveries a <see cref="SimulatedReceiver"/> records as arrivals; alerts are collected. The same
/// flows through the real host and its real receiver, to PagerDuty: <see cref="CoverageEndToEndTests"/>.
/// </summary>
[TestFixture]
public sealed class CoverageRoundTests
{
    private static readonly CoverageTarget Prod = new("111111111111", "prod-payments", "aws-root-111111111111@roots.test");
    private static readonly CoverageTarget Data = new("222222222222", "data-lake", "aws-root-222222222222@roots.test");
    private static readonly CoverageTarget Sandbox = new("333333333333", "sandbox", "aws-root-333333333333@roots.test");
    private static readonly CoverageTarget[] Targets = [Prod, Data, Sandbox];

    private FakeTimeProvider _time = null!;
    private MemoryDocuments _documents = null!;
    private CollectedAlerts _alerts = null!;
    private FakeRelay _relay = null!;

    [SetUp]
    public async Task StartAsync()
    {
        _time = new FakeTimeProvider(new DateTimeOffset(2026, 12, 1, 6, 0, 0, TimeSpan.Zero));
        _documents = new MemoryDocuments();
        _alerts = new CollectedAlerts();
        _relay = await FakeRelay.StartAsync();
        _relay.Deliver = SimulatedReceiver.Into(_documents, _time);
    }

    [TearDown]
    public async Task StopAsync() => await _relay.DisposeAsync();

    private static CoverageOptions Settings(int port) => new()
    {
        Enabled = true,
        From = "mailgate-probe@gateway.test",
        ProbeKey = "coverage-test-key-0123456789",
        Relay = { Host = "127.0.0.1", Port = port, StartTls = "auto", Attempts = 2, RetryDelay = TimeSpan.Zero, Timeout = TimeSpan.FromSeconds(30) },
    };

    private CoverageRound Round(CoverageOptions settings) => new(
        _documents, new SmtpProbeSender(Options.Create(settings), _time), _alerts, new TestProbeKey(), Options.Create(settings), _time, NullLogger<CoverageRound>.Instance);

    [Test]
    public async Task OneAccountsProbesAreLost_OnePageForIt_NoneForTheOthers_ThenItsNextProbeArrives_OneResolve()
    {
        _relay.Drop(Sandbox.RootAddress);
        var round = Round(Settings(_relay.Port));

        await round.RunAsync(Targets, CancellationToken.None);
        Assert.That(_relay.Received.Select(m => m.To.Mailboxes.Single().Address), Is.EquivalentTo(Targets.Select(t => t.RootAddress)), "one probe per account");
        Assert.That(_alerts.All, Is.Empty, "nothing is overdue yet");

        _time.Advance(TimeSpan.FromHours(2) + TimeSpan.FromMinutes(1));
        await round.RunAsync(Targets, CancellationToken.None);
        await round.RunAsync(Targets, CancellationToken.None);

        var missing = _alerts.All.Single();
        Assert.Multiple(() =>
        {
            Assert.That(missing.Kind, Is.EqualTo("missing"));
            Assert.That(missing.Resolve, Is.False);
            Assert.That(missing.DedupKey, Is.EqualTo("mailgate-coverage-333333333333"));
            Assert.That(missing.Summary, Does.Contain("sandbox (333333333333, aws-root-333333333333@roots.test)").And.Contain("no probe from it has arrived yet"));
            Assert.That(missing.AccountName, Is.EqualTo("sandbox"));
            Assert.That(round.States[Prod.AccountId], Is.EqualTo(CoverageState.Ok));
            Assert.That(round.States[Data.AccountId], Is.EqualTo(CoverageState.Ok));
            Assert.That(round.States[Sandbox.AccountId], Is.EqualTo(CoverageState.Missing));
            Assert.That(_documents.Sent(Sandbox.AccountId)!.OpenAlert, Is.EqualTo("missing"));
        });

        // The next day's probes: the group forwards again.
        _relay.Undrop(Sandbox.RootAddress);
        _time.Advance(TimeSpan.FromDays(1));
        await round.RunAsync(Targets, CancellationToken.None);
        await round.RunAsync(Targets, CancellationToken.None);

        Assert.Multiple(() =>
        {
            Assert.That(_alerts.All, Has.Count.EqualTo(2));
            var resolve = _alerts.All[1];
            Assert.That(resolve.Resolve, Is.True);
            Assert.That(resolve.DedupKey, Is.EqualTo(missing.DedupKey));
            Assert.That(resolve.Summary, Does.Contain("is back"));
            Assert.That(round.States[Sandbox.AccountId], Is.EqualTo(CoverageState.Ok));
            Assert.That(_documents.Sent(Sandbox.AccountId)!.OpenAlert, Is.Null);
        });
    }

    [Test]
    public async Task AMissingAccountStaysMissing_WhileItsNextProbeIsUnderway_AndIsNotPagedTwice()
    {
        _relay.Drop(Sandbox.RootAddress);
        var round = Round(Settings(_relay.Port));
        await round.RunAsync([Sandbox], CancellationToken.None);
        _time.Advance(TimeSpan.FromHours(3));
        await round.RunAsync([Sandbox], CancellationToken.None);
        _time.Advance(TimeSpan.FromDays(1)); // a new probe goes out (and is lost too)
        await round.RunAsync([Sandbox], CancellationToken.None);

        Assert.Multiple(() =>
        {
            Assert.That(_relay.Received, Has.Count.EqualTo(2));
            Assert.That(round.States[Sandbox.AccountId], Is.EqualTo(CoverageState.Missing));
            Assert.That(_alerts.All, Has.Count.EqualTo(1));
        });
    }

    [Test]
    public async Task RelayDown_SendFailed_PagedOnlyAfterTheConfiguredRounds_ThenResolvedWhenAProbeArrives()
    {
        var settings = Settings(ClosedPort());
        settings.SendFailuresBeforePage = 3;
        var round = Round(settings);

        for (var r = 1; r <= 4; r++)
        {
            await round.RunAsync([Prod], CancellationToken.None);
            Assert.That(_documents.Sent(Prod.AccountId)!.FailedRounds, Is.EqualTo(r));
            Assert.That(_alerts.All, Has.Count.EqualTo(r >= 3 ? 1 : 0), $"after round {r}");
            _time.Advance(settings.SendRetryInterval);
        }

        var failed = _alerts.All.Single();
        Assert.Multiple(() =>
        {
            Assert.That(failed.Kind, Is.EqualTo("send_failed"));
            Assert.That(failed.Summary, Does.Contain("could not be sent for 3 rounds in a row to 1 account(s)").And.Contain("prod-payments (111111111111"));
            Assert.That(failed.DedupKey, Is.EqualTo(CoverageAlert.RelayKey));
            Assert.That(round.States[Prod.AccountId], Is.EqualTo(CoverageState.SendFailed));
            Assert.That(_documents.Sent(Prod.AccountId)!.LastError, Does.Contain("attempt 2 of 2"));
        });

        settings.Relay.Port = _relay.Port; // the relay is back
        await round.RunAsync([Prod], CancellationToken.None);

        Assert.Multiple(() =>
        {
            Assert.That(_alerts.All, Has.Count.EqualTo(2));
            Assert.That(_alerts.All[1].Resolve, Is.True);
            Assert.That(_alerts.All[1].Kind, Is.EqualTo("send_failed"));
            Assert.That(_alerts.All[1].DedupKey, Is.EqualTo(CoverageAlert.RelayKey));
            Assert.That(_documents.Sent(Prod.AccountId)!.FailedRounds, Is.Zero);
        });
    }

    [Test]
    public async Task TheProbe_CarriesAValidTokenInHeaderSubjectAndBody_AndTheGroupsRewritingKeepsIt()
    {
        var round = Round(Settings(_relay.Port));
        await round.RunAsync([Prod], CancellationToken.None);

        var sent = _relay.Received.Single();
        var grouped = FakeRelay.AsGroupDelivers(sent);
        var token = sent.Headers[ProbeToken.HeaderName] ?? "";
        var check = ProbeToken.Verify(TestProbeKey.Bytes, token, _time.GetUtcNow(), TimeSpan.FromHours(3));
        Assert.Multiple(() =>
        {
            Assert.That(check.Verdict, Is.EqualTo(ProbeTokenVerdict.Valid));
            Assert.That(check.AccountId, Is.EqualTo(Prod.AccountId));
            Assert.That(check.ProbeId, Is.EqualTo(_documents.Sent(Prod.AccountId)!.ProbeId));
            Assert.That(sent.Subject, Is.EqualTo(ProbeToken.SubjectPrefix + " " + token));
            Assert.That(ProbeToken.Find(sent.TextBody), Is.EqualTo(token));
            Assert.That(sent.From.Mailboxes.Single().Address, Is.EqualTo("mailgate-probe@gateway.test"));
            Assert.That(ProbeToken.Find(grouped.TextBody), Is.EqualTo(token));
            Assert.That(grouped.Headers["X-Original-From"], Does.Contain("mailgate-probe@gateway.test"));
            Assert.That(grouped.From.Mailboxes.Single().Name, Does.Contain(" via "));
        });
    }

    [Test]
    public async Task ADamagedSentDocument_IsReplaced_ItsAccountIsStillProbed()
    {
        _documents.Write(CoverageDocuments.SentKey(Sandbox.AccountId), "{not json"u8);
        await Round(Settings(_relay.Port)).RunAsync([Sandbox, Prod], CancellationToken.None);

        Assert.That(_relay.Received.Select(m => m.To.Mailboxes.Single().Address), Is.EqualTo(new[] { Sandbox.RootAddress, Prod.RootAddress }));
        Assert.That(_documents.Sent(Sandbox.AccountId)?.ProbeId, Is.Not.Null);
    }

    [Test]
    public async Task StartTlsAlways_ARelayWithoutStartTls_IsRefusedAtOnce_NotTriedAgain()
    {
        var settings = Settings(_relay.Port);
        settings.Relay.StartTls = "always";
        await Round(settings).RunAsync([Prod], CancellationToken.None);

        var sent = _documents.Sent(Prod.AccountId)!;
        Assert.Multiple(() =>
        {
            Assert.That(_relay.Received, Is.Empty);
            Assert.That(sent.FailedRounds, Is.EqualTo(1));
            Assert.That(sent.LastError, Does.StartWith("not supported by the relay").And.EndWith("(attempt 1 of 2)"));
        });
    }

    private static int ClosedPort() => CoverageEndToEndTests.ClosedPort();
}
