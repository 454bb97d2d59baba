using MailGate.Core.Storage;
using MailGate.Process;
using MailGate.Tests.Support;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace MailGate.Tests.Storage;

/// <summary>
/// One trigger per email through the real gateway (MailKit client, fake PagerDuty), on the file spool and on
/// PostgreSQL: copies of one email are recorded as duplicates, distinct emails that share a templated dedup key each
/// trigger, and a copy after <c>Spool:LedgerRetention</c> triggers again.
/// </summary>
[TestFixture("file")]
[TestFixture("postgres")]
public sealed class DeliveryLedgerTests(string backend)
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(20);
    private CollectingLogger<MessageProcessor> _log = null!;
    private ShiftedTime _time = null!;
    private PostgresTestBackend? _database;
    private FakePagerDuty _pagerDuty = null!;
    private GatewayHarness _gateway = null!;

    private const string TemplatedRules = $$"""
        version: 1
        routes:
          security-oncall:
            pagerduty:
              routing_key: {{GatewayHarness.RoutingKey}}
        rules:
          - name: aws-abuse-report
            when:
              sender: { ends_with: "@amazon.com" }
              subject: { contains: "Abuse Report" }
            summary: "AWS abuse report: {subject}"
            dedup_key: "aws-abuse-report-one-case"
            route: security-oncall
        """;

    private async Task StartAsync(string rules = GatewayHarness.DefaultRules)
    {
        _log = new CollectingLogger<MessageProcessor>();
        _time = new ShiftedTime();
        string[] settings = [];
        if (backend == "postgres")
        {
            _database = new PostgresTestBackend();
            settings = ["--Spool:Backend=postgres", $"--Spool:ConnectionString={_database.ConnectionString}"];
        }

        _pagerDuty = await FakePagerDuty.StartAsync();
        _gateway = await GatewayHarness.StartAsync(
            _pagerDuty,
            services =>
            {
                services.AddSingleton<TimeProvider>(_time);
                services.AddSingleton<ILogger<MessageProcessor>>(_log);
            },
            rules,
            settings);
    }

    [TearDown]
    public async Task StopAsync()
    {
        await _gateway.DisposeAsync();
        await _pagerDuty.DisposeAsync();
        _database?.Dispose();
    }

    private async Task<StoredEntry> SendAndFinishAsync(MimeKit.MimeMessage message)
    {
        var id = await Mail.SendAsync(_gateway, message);
        Assert.That(await _gateway.WaitFinishedAsync(id, Timeout), Is.EqualTo(SpoolArea.Done), id);
        return _gateway.Services.GetRequiredService<IMessageStorage>().Find(id)!;
    }

    [Test]
    public async Task SameEmailThreeTimes_OneTrigger_TheCopiesRecordedAsDuplicates()
    {
        await StartAsync();
        var email = Mail.Simple("Your AWS Abuse Report");

        var first = await SendAndFinishAsync(email);
        var second = await SendAndFinishAsync(email);
        // The fake PagerDuty's alert may be resolved by now: MailGate never asks, the ledger answers.
        var third = await SendAndFinishAsync(email);

        Assert.That(_pagerDuty.Requests, Has.Count.EqualTo(1), "one trigger in all");
        Assert.That(first.State!.Deliveries.Single().Status, Is.EqualTo(DeliveryStatus.Delivered));
        foreach (var copy in new[] { second, third })
        {
            var delivery = copy.State!.Deliveries.Single();
            Assert.That(delivery.Status, Is.EqualTo(DeliveryStatus.Duplicate), copy.Message.Id);
            Assert.That(delivery.DuplicateOf, Is.EqualTo(first.Message.Id));
            Assert.That(delivery.Attempts, Is.Zero);
            Assert.That(delivery.Event.DedupKey, Is.EqualTo(_pagerDuty.Requests[0].DedupKey), "the same email, the same dedup key");
        }

        var duplicates = _log.Entries.Where(e => e.EventId == 1020).ToArray();
        Assert.That(duplicates.Select(e => e.Properties["SpoolId"]), Is.EqualTo(new[] { second.Message.Id, third.Message.Id }));
        Assert.That(duplicates.Select(e => e.Properties["HolderId"]), Has.All.EqualTo(first.Message.Id));
        Assert.That(_log.Entries.Where(e => e.EventId == 501), Is.Empty, "a duplicate is not a failure");
    }

    [Test]
    public async Task TwoEmailsSharingATemplatedDedupKey_EachTriggers()
    {
        await StartAsync(TemplatedRules);

        await SendAndFinishAsync(Mail.Simple("Your AWS Abuse Report"));
        await SendAndFinishAsync(Mail.Simple("RE: Your AWS Abuse Report"));

        Assert.That(_pagerDuty.Accepted, Has.Count.EqualTo(2), "follow-ups reach the open alert's log");
        Assert.That(_pagerDuty.Accepted.Select(r => r.DedupKey), Has.All.EqualTo("aws-abuse-report-one-case"));
    }

    [Test]
    public async Task CopyAfterTheRetention_TriggersAgain()
    {
        await StartAsync();
        var email = Mail.Simple("Your AWS Abuse Report");
        await SendAndFinishAsync(email);

        _time.Offset = TimeSpan.FromDays(29);
        var within = await SendAndFinishAsync(email);
        Assert.That(within.State!.Deliveries.Single().Status, Is.EqualTo(DeliveryStatus.Duplicate), "within Spool:LedgerRetention (30 days)");

        _time.Offset = TimeSpan.FromDays(31);
        var after = await SendAndFinishAsync(email);

        Assert.That(after.State!.Deliveries.Single().Status, Is.EqualTo(DeliveryStatus.Delivered));
        Assert.That(_pagerDuty.Accepted, Has.Count.EqualTo(2));
        Assert.That(_pagerDuty.Accepted[1].DedupKey, Is.EqualTo(_pagerDuty.Accepted[0].DedupKey), "triggers again, with the same key");
    }

    /// <summary>The system clock moved on by <see cref="Offset"/> (timers run in real time): drives the retention, no waiting.</summary>
    private sealed class ShiftedTime : TimeProvider
    {
        public TimeSpan Offset { get; set; }

        public override DateTimeOffset GetUtcNow() => System.GetUtcNow() + Offset;
    }
}
