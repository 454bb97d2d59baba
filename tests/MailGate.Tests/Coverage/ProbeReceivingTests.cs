using System.Buffers;
using System.Text;
using MailGate.Core.Coverage;
using MailGate.Core.Messages;
using MailGate.Core.Spool;
using MailGate.Core.Storage;
using MailGate.Coverage;
using MailGate.Spool;
using MailGate.Tests.Support;
using Microsoft.Extensions.DependencyInjection;
using MimeKit;

namespace MailGate.Tests.Coverage;

/// <summary>
/// Coverage probes over real sockets (MailKit → SMTP → spool → recognition → rules → fake PagerDuty), with a rule that
/// pages on everything: a valid probe is recorded and never pages; a forged or replayed one is ordinary mail.
/// Coverage alerts committed to the spool page once on the <c>coverage:</c> route.
/// </summary>
[TestFixture]
public sealed class ProbeReceivingTests
{
    private const string Account = "123456789012";
    private static readonly byte[] Key = Encoding.UTF8.GetBytes("integration-probe-key-0123456789");
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(10);

    private static readonly string PageEverything = $$"""
        version: 1
        routes:
          oncall:
            pagerduty:
              routing_key: {{GatewayHarness.RoutingKey}}
          platform:
            pagerduty:
              routing_key: {{GatewayHarness.RoutingKey}}
              severity: error
        coverage:
          route: platform
        rules:
          - name: everything
            route: oncall
        """;

    private FakePagerDuty _pagerDuty = null!;
    private GatewayHarness _gateway = null!;

    [TearDown]
    public async Task StopAsync()
    {
        await _gateway.DisposeAsync();
        await _pagerDuty.DisposeAsync();
    }

    private async Task StartAsync(bool coverageOn = true, string? rules = null)
    {
        _pagerDuty = await FakePagerDuty.StartAsync();
        _gateway = await GatewayHarness.StartAsync(
            _pagerDuty,
            services =>
            {
                if (coverageOn)
                {
                    services.AddSingleton<IProbeKey>(new TestProbeKey(Key, TimeSpan.FromHours(3)));
                }
            },
            rules ?? PageEverything);
    }

    [Test]
    public async Task ValidProbe_PageEverythingRule_NeverPagedArrivalRecorded()
    {
        await StartAsync();
        var token = Token(DateTimeOffset.UtcNow);

        var probe = await Mail.SendAsync(_gateway, Probe(token));
        Assert.That(await _gateway.WaitFinishedAsync(probe, Timeout), Is.EqualTo(SpoolArea.Done));
        var ordinary = await Mail.SendAsync(_gateway, Mail.Simple("an ordinary message"));
        Assert.That(await _gateway.WaitFinishedAsync(ordinary, Timeout), Is.EqualTo(SpoolArea.Done));
        await _pagerDuty.WaitForAsync(r => r.Count >= 1, Timeout);

        var arrival = Arrival();
        using (Assert.EnterMultipleScope())
        {
            Assert.That(_pagerDuty.Requests.Select(r => r.Payload.GetProperty("summary").GetString()), Is.EqualTo(new[] { "an ordinary message" }), "only the ordinary message paged");
            Assert.That(State(probe).Probe, Does.Contain(Account));
            Assert.That(State(probe).Deliveries, Is.Empty);
            Assert.That(arrival?.ProbeId, Is.EqualTo(token.Split('-')[2]));
            Assert.That(arrival?.ListIds, Is.EqualTo(new[] { "aws-root-123456789012.example.com", "aws-roots.example.com" }));
            Assert.That(arrival?.Recipients, Is.EqualTo(new[] { "aws-abuse@mailgate.example.com" }));
            Assert.That(arrival?.OriginalTo, Is.EqualTo("aws-root-123456789012@example.com"));
            Assert.That(arrival?.ArrivedAt, Is.EqualTo(_gateway.Spool.Find(probe)!.Value.Message.Envelope.ReceivedAt));
        }
    }

    [Test]
    public async Task ForgedProbe_RulesDecideAndCoverageUnchanged()
    {
        await StartAsync();
        var forged = ProbeToken.Create(Encoding.UTF8.GetBytes("someone-elses-key-0123456789"), Account, ProbeToken.NewProbeId(), DateTimeOffset.UtcNow);

        var id = await Mail.SendAsync(_gateway, Probe(forged));
        Assert.That(await _gateway.WaitFinishedAsync(id, Timeout), Is.EqualTo(SpoolArea.Done));
        await _pagerDuty.WaitForAsync(r => r.Count >= 1, Timeout);

        Assert.That(_pagerDuty.Requests.Single().Payload.GetProperty("class").GetString(), Is.EqualTo("everything"));
        Assert.That(State(id).Probe, Is.Null);
        Assert.That(Arrival(), Is.Null);
    }

    [Test]
    public async Task ReplayedProbe_SecondCopyGoesToTheRules_ArrivalKeepsTheFirst()
    {
        await StartAsync();
        var message = Probe(Token(DateTimeOffset.UtcNow));

        var first = await Mail.SendAsync(_gateway, message);
        Assert.That(await _gateway.WaitFinishedAsync(first, Timeout), Is.EqualTo(SpoolArea.Done));
        var recorded = Arrival();
        var replay = await Mail.SendAsync(_gateway, message);
        Assert.That(await _gateway.WaitFinishedAsync(replay, Timeout), Is.EqualTo(SpoolArea.Done));
        await _pagerDuty.WaitForAsync(r => r.Count >= 1, Timeout);

        Assert.That(_pagerDuty.Requests, Has.Count.EqualTo(1), "the replay, by the page-everything rule");
        Assert.That((State(first).Probe is not null, State(replay).Probe), Is.EqualTo((true, (string?)null)));
        Assert.That(Arrival()?.ArrivedAt, Is.EqualTo(recorded?.ArrivedAt));
    }

    [Test]
    public async Task CoverageOff_ValidProbe_IsOrdinaryMail()
    {
        await StartAsync(coverageOn: false);

        var id = await Mail.SendAsync(_gateway, Probe(Token(DateTimeOffset.UtcNow)));
        Assert.That(await _gateway.WaitFinishedAsync(id, Timeout), Is.EqualTo(SpoolArea.Done));
        await _pagerDuty.WaitForAsync(r => r.Count >= 1, Timeout);

        Assert.That(_pagerDuty.Requests, Has.Count.EqualTo(1));
        Assert.That(Arrival(), Is.Null);
    }

    [Test]
    public async Task CoverageAlert_TriggerThenResolve_OnTheCoverageRoute()
    {
        await StartAsync();

        var trigger = await CommitAlertAsync(resolve: false);
        Assert.That(await _gateway.WaitFinishedAsync(trigger, Timeout), Is.EqualTo(SpoolArea.Done));
        var resolve = await CommitAlertAsync(resolve: true);
        Assert.That(await _gateway.WaitFinishedAsync(resolve, Timeout), Is.EqualTo(SpoolArea.Done));
        await _pagerDuty.WaitForAsync(r => r.Count >= 2, Timeout);

        var sent = _pagerDuty.Requests;
        Assert.That(sent.Select(r => r.Json.GetProperty("event_action").GetString()), Is.EqualTo(new[] { "trigger", "resolve" }));
        Assert.That(sent.Select(r => r.DedupKey).Distinct(), Is.EqualTo(new[] { "mailgate-coverage-123456789012" }));
        Assert.That(sent[0].Payload.GetProperty("severity").GetString(), Is.EqualTo("warning"));
        Assert.That(sent[0].Payload.GetProperty("class").GetString(), Is.EqualTo("coverage"));
    }

    [Test]
    public async Task CoverageAlert_NoCoverageSection_DeadLetteredNothingPaged()
    {
        await StartAsync(rules: PageEverything.Replace("coverage:\n  route: platform\n", "", StringComparison.Ordinal));

        var id = await CommitAlertAsync(resolve: false);

        Assert.That(await _gateway.WaitFinishedAsync(id, Timeout), Is.EqualTo(SpoolArea.Dead));
        Assert.That(_pagerDuty.Requests, Is.Empty);
        Assert.That(State(id).Error, Does.Contain("no 'coverage:' section"));
    }

    private static string Token(DateTimeOffset sentAt) => ProbeToken.Create(Key, Account, ProbeToken.NewProbeId(), sentAt);

    /// <summary>A probe as a root group inside the aggregation group delivers it: From rewritten "via", X-Original-From, two List-Ids, a footer.</summary>
    private static MimeMessage Probe(string token)
    {
        var message = new MimeMessage();
        message.From.Add(MailboxAddress.Parse("'MailGate' via AWS root 123456789012 <aws-root-123456789012@example.com>"));
        message.To.Add(MailboxAddress.Parse("aws-root-123456789012@example.com"));
        message.Headers.Add("X-Original-From", "MailGate <coverage@mailgate.example.com>");
        message.Headers.Add("X-Original-To", "aws-root-123456789012@example.com");
        message.Headers.Add("List-Id", "<aws-root-123456789012.example.com>");
        message.Headers.Add("List-Id", "AWS roots <aws-roots.example.com>");
        message.Headers.Add(ProbeToken.HeaderName, token);
        message.Subject = $"[aws-root-123456789012] {ProbeToken.SubjectPrefix} {token}";
        message.MessageId = $"{Guid.NewGuid():N}@mailgate.example.com";
        message.Body = new TextPart("plain") { Text = $"Coverage probe {token}\n\n-- \nYou received this message because you are subscribed to the Google Groups \"AWS root\" group.\n" };
        return message;
    }

    private async Task<string> CommitAlertAsync(bool resolve)
    {
        var alert = new CoverageAlert
        {
            Kind = "missing",
            Resolve = resolve,
            DedupKey = CoverageAlert.AccountKey(Account),
            Summary = "Coverage: no probe from prod (123456789012, aws-root-123456789012@example.com) for 2 h",
            AccountId = Account,
            RaisedAt = DateTimeOffset.UtcNow,
        };
        var message = await _gateway.Services.GetRequiredService<IMessageIntake>().CommitAsync(
            Envelope.ForCoverage(new CoverageOrigin(Account, resolve), alert.RaisedAt),
            new ReadOnlySequence<byte>(CoverageDocuments.Write(alert)),
            CancellationToken.None);
        _gateway.Services.GetRequiredService<ProcessingInbox>().Enqueue(message);
        return message.Id;
    }

    private ProbeArrival? Arrival() => CoverageDocuments.Read<ProbeArrival>(
        _gateway.Services.GetRequiredService<IPollerCursors>().Cursors(CoverageDocuments.Store).Read(CoverageDocuments.ArrivedKey(Account)));

    private ProcessingState State(string id) => SpoolStore.ReadState(_gateway.Spool.Find(id)!.Value.Message);

    private sealed class TestProbeKey(byte[] key, TimeSpan maxAge) : IProbeKey
    {
        public ReadOnlyMemory<byte>? Key { get; } = key;

        public TimeSpan MaxAge { get; } = maxAge;
    }
}
