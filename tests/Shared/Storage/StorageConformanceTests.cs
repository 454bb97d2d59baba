using MailGate.Core.Messages;
using MailGate.Core.Deliver;
using MailGate.Core.Storage;
using System.Text;
using System.Text.Json;
using MailGate.Tests.Shared;

namespace MailGate.Tests.Shared.Storage;

/// <summary>
/// What every storage backend must do (<see cref="IMessageStorage"/>): commit, ordering, the processing
/// walk, crash points and idempotent recovery, requeue, purge, cursors and feature state. A backend passes
/// it by deriving a fixture that supplies <see cref="CreateBackend"/> (the file spool:
/// <c>FileSpoolConformanceTests</c> in the core tests; <c>PostgresConformanceTests</c> in the integration tests).
/// Kept in <c>tests/Shared/Storage</c>, which both test projects compile.
/// </summary>
public abstract partial class StorageConformanceTests
{
    protected static readonly DateTimeOffset Received = new(2026, 11, 28, 12, 0, 0, TimeSpan.Zero);
    private readonly List<IDisposable> _opened = [];

    /// <summary>The backend under test, fresh for each test.</summary>
    protected IStorageTestBackend Backend { get; private set; } = null!;

    /// <summary>A backend over storage of its own, empty.</summary>
    protected abstract IStorageTestBackend CreateBackend();

    [SetUp]
    public void SetUpBackend() => Backend = CreateBackend();

    [TearDown]
    public void TearDownBackend()
    {
        foreach (var opened in Enumerable.Reverse(_opened))
        {
            opened.Dispose();
        }

        _opened.Clear();
        Backend.Dispose();
    }

    protected IMessageStorage Owner() => Track(Backend.OpenOwner());

    protected IMessageStorage Shared() => Track(Backend.OpenShared());

    private IMessageStorage Track(IMessageStorage storage)
    {
        _opened.Add(storage);
        return storage;
    }

    protected IMessageStorage Restart(IMessageStorage owner)
    {
        owner.Dispose();
        _opened.Remove(owner);
        var again = Owner();
        again.Recover();
        return again;
    }

    private static Envelope Mail(int second = 0) =>
        Envelope.ForMail("bounce@example.com", ["aws-abuse@mailgate.example.com", "other@mailgate.example.com"], Received.AddSeconds(second), "192.0.2.1", "session-1");

    protected static Task<StoredMessage> CommitMail(IMessageIntake storage, int second = 0, string body = "Subject: a\r\n\r\nbody") =>
        storage.CommitAsync(Mail(second), Segments.Of(body), CancellationToken.None);

    protected static string ContentOf(IMessageContent storage, StoredMessage message)
    {
        using var stream = storage.OpenContent(message);
        using var reader = new StreamReader(stream, Encoding.UTF8);
        return reader.ReadToEnd();
    }

    protected static ProcessingState Decided(DeliveryStatus status, string dedupKey = "mailgate-k-1") => new()
    {
        RulesVersion = "e8f2e50b9a1d",
        DecidedAt = Received.AddSeconds(1),
        Subject = "Your AWS Abuse Report",
        Deliveries =
        [
            new DeliveryRecord
            {
                Rule = "aws-abuse-report",
                Route = "security-oncall",
                Event = new PagerDutyEvent { DedupKey = dedupKey, Payload = new PagerDutyPayload { Summary = "s", Source = "ec2-abuse@amazon.com", Severity = "critical" } },
                Status = status,
                Attempts = 3,
            },
        ],
    };

    [Test]
    public async Task CommitAsync_Mail_IsUnfinishedWithItsEnvelopeAndTheContentEndingInCrlf()
    {
        var storage = Owner();

        var committed = await storage.CommitAsync(Mail(), Segments.Of("Subject: a\r\n", "\r\n", "body"), CancellationToken.None);

        var claimed = storage.ClaimUnfinished().Single();
        Assert.That(claimed.Id, Is.EqualTo(committed.Id));
        Assert.That(claimed.Envelope.Mail!.MailFrom, Is.EqualTo("bounce@example.com"));
        Assert.That(claimed.Envelope.Mail!.Recipients, Is.EqualTo(new[] { "aws-abuse@mailgate.example.com", "other@mailgate.example.com" }));
        Assert.That(claimed.Envelope.Mail!.ClientAddress, Is.EqualTo("192.0.2.1"));
        Assert.That(claimed.Envelope.Mail!.SessionId, Is.EqualTo("session-1"));
        Assert.That(claimed.Envelope.ReceivedAt, Is.EqualTo(Received));
        Assert.That(claimed.Envelope.Origin.Source, Is.EqualTo(MailOrigin.SourceName));
        Assert.That(ContentOf(storage, claimed), Is.EqualTo("Subject: a\r\n\r\nbody\r\n"));
    }

    [Test]
    public async Task CommitAsync_SupportCase_OriginAndDocumentSurviveARestartAsIs()
    {
        var storage = Owner();
        var origin = new SupportCaseOrigin("123456789012", "prod-payments", "root@example.com", "ja", Resolve: true);
        const string document = """{"caseId":"case-1","status":"resolved"}""";

        await storage.CommitAsync(Envelope.ForSupportCase(origin, Received), Segments.Of(document), CancellationToken.None);
        storage = Restart(storage);

        var claimed = storage.ClaimUnfinished().Single();
        Assert.That(claimed.Envelope.Origin, Is.EqualTo(origin));
        Assert.That(claimed.Envelope.Mail, Is.Null);
        Assert.That(claimed.Envelope.Origin.Source, Is.EqualTo(SupportCaseOrigin.SourceName));
        Assert.That(ContentOf(storage, claimed), Is.EqualTo(document));
    }

    [TestCase(false)]
    [TestCase(true)]
    public async Task CommitAsync_CoverageAlert_OriginAndDocumentSurviveARestartAsIs(bool resolve)
    {
        var storage = Owner();
        var origin = new CoverageOrigin("123456789012", resolve);
        const string document = """{"kind":"missing","dedup_key":"mailgate-coverage-123456789012","summary":"s","raised_at":"2026-12-01T08:00:00+00:00"}""";

        await storage.CommitAsync(Envelope.ForCoverage(origin, Received), Segments.Of(document), CancellationToken.None);
        storage = Restart(storage);

        var claimed = storage.ClaimUnfinished().Single();
        Assert.That(claimed.Envelope.Origin, Is.EqualTo(origin));
        Assert.That(claimed.Envelope.Resolve, Is.EqualTo(resolve));
        Assert.That(ContentOf(storage, claimed), Is.EqualTo(document));
    }

    [Test]
    public async Task ClaimUnfinished_CommittedOutOfOrder_OldestFirstAlsoInUnfinishedIds()
    {
        var storage = Owner();
        var third = await CommitMail(storage, second: 30);
        var first = await CommitMail(storage, second: 10);
        var second = await CommitMail(storage, second: 20);

        Assert.That(storage.ClaimUnfinished().Select(m => m.Id), Is.EqualTo(new[] { first.Id, second.Id, third.Id }));
        Assert.That(storage.UnfinishedIds(), Is.EqualTo(new[] { first.Id, second.Id, third.Id }));
        Assert.That(storage.OldestUnfinished(), Is.EqualTo(Received.AddSeconds(10)));
    }

    [Test]
    public async Task CommitAsync_ManyAtOnce_EachCommittedOnceWithItsOwnId()
    {
        var storage = Owner();

        var committed = await Task.WhenAll(Enumerable.Range(0, 16).Select(i => CommitMail(storage, second: 0, body: $"Subject: {i}")));

        Assert.That(committed.Select(m => m.Id), Is.Unique);
        Assert.That(storage.UnfinishedIds(), Is.EquivalentTo(committed.Select(m => m.Id)));
        Assert.That(storage.ClaimUnfinished().Select(m => ContentOf(storage, m)), Is.EquivalentTo(Enumerable.Range(0, 16).Select(i => $"Subject: {i}\r\n")));
    }

    [Test]
    public void CommitAsync_Cancelled_NothingIsEverSeen()
    {
        var storage = Owner();
        using var cancelled = new CancellationTokenSource();
        cancelled.Cancel();

        Assert.That(async () => await storage.CommitAsync(Mail(), Segments.Of("Subject: a"), cancelled.Token), Throws.InstanceOf<OperationCanceledException>());

        Assert.That(storage.UnfinishedIds(), Is.Empty);
        Assert.That(Backend.Leftovers(), Is.Zero);
        Assert.That(Restart(storage).ClaimUnfinished(), Is.Empty);
    }

    [Test]
    public async Task Recover_CrashedMidCommit_RemovesEveryLeftoverAndNoneBecomesAMessage()
    {
        var storage = Owner();
        var kept = await CommitMail(storage);
        var leftovers = Backend.LeaveInterruptedCommits();

        var recovery = storage.Recover();

        Assert.That(recovery.DiscardedIncoming, Is.EqualTo(leftovers));
        Assert.That(Backend.Leftovers(), Is.Zero);
        Assert.That(storage.ClaimUnfinished().Select(m => m.Id), Is.EqualTo(new[] { kept.Id }));
    }

    [Test]
    public async Task Recover_CalledTwice_SecondFindsNothingToDo()
    {
        var storage = Owner();
        var damaged = await CommitMail(storage, second: 1);
        await CommitMail(storage, second: 2);
        Backend.LeaveInterruptedCommits();
        Backend.DamageEnvelope(damaged.Id);

        var first = storage.Recover();
        var second = storage.Recover();

        Assert.That(first.Corrupt, Is.EqualTo(new[] { damaged.Id }));
        Assert.That(second.DiscardedIncoming, Is.Zero);
        Assert.That(second.Corrupt, Is.Empty);
        Assert.That(storage.UnfinishedIds(), Has.Count.EqualTo(1));
    }

    [Test]
    public async Task Restart_AfterEachStateWrite_ResumesFromTheLastWrittenState()
    {
        var storage = Owner();
        var message = await CommitMail(storage);
        Assert.That(storage.ReadState(message).IsDecided, Is.False);

        storage.WriteState(message, Decided(DeliveryStatus.Pending));
        storage = Restart(storage);
        var resumed = storage.ClaimUnfinished().Single();
        Assert.That(storage.ReadState(resumed).Deliveries.Single().Status, Is.EqualTo(DeliveryStatus.Pending));

        storage.WriteState(resumed, Decided(DeliveryStatus.Delivered));
        storage = Restart(storage);
        var state = storage.ReadState(storage.ClaimUnfinished().Single());
        Assert.That(state.Deliveries.Single().Status, Is.EqualTo(DeliveryStatus.Delivered));
        Assert.That(state.Deliveries.Single().Event.DedupKey, Is.EqualTo("mailgate-k-1"));
        Assert.That(state.RulesVersion, Is.EqualTo("e8f2e50b9a1d"));
    }

    [TestCase(SpoolArea.Done)]
    [TestCase(SpoolArea.Dead)]
    [TestCase(SpoolArea.Corrupt)]
    public async Task Finish_ToAnEndArea_NoLongerUnfinishedAlsoAfterARestart(SpoolArea area)
    {
        var storage = Owner();
        var message = await CommitMail(storage);
        storage.WriteState(message, Decided(DeliveryStatus.Delivered));

        var finished = storage.Finish(message, area);

        Assert.That(storage.IsUnfinished(message), Is.False);
        Assert.That(storage.Claim(message.Id), Is.Null);
        Assert.That(ContentOf(storage, finished), Is.EqualTo("Subject: a\r\n\r\nbody\r\n"));
        Assert.That(storage.ReadState(finished).Deliveries.Single().Status, Is.EqualTo(DeliveryStatus.Delivered));
        storage = Restart(storage);
        Assert.That(storage.ClaimUnfinished(), Is.Empty);
        Assert.That(storage.Count(area), Is.EqualTo(1));
    }

    [TestCase(SpoolArea.Active)]
    [TestCase(SpoolArea.Incoming)]
    public async Task Finish_ToANonEndArea_ThrowsAndLeavesItUnfinished(SpoolArea area)
    {
        var storage = Owner();
        var message = await CommitMail(storage);

        Assert.That(() => storage.Finish(message, area), Throws.InstanceOf<ArgumentOutOfRangeException>());
        Assert.That(storage.IsUnfinished(message), Is.True);
    }

    [Test]
    public async Task Claim_UnknownFinishedOrMalformedId_Null()
    {
        var storage = Owner();
        var done = await CommitMail(storage);
        storage.Finish(done, SpoolArea.Done);

        Assert.That(storage.Claim(done.Id), Is.Null);
        Assert.That(storage.Claim("019a00000009-00000009"), Is.Null);
        Assert.That(storage.Claim("../done"), Is.Null);
    }

    [Test]
    public async Task Claim_DamagedEnvelope_SetAsideReportedAndNeverRead()
    {
        var storage = Owner();
        var damaged = await CommitMail(storage);
        var reported = new List<DamagedEntry>();
        storage.Quarantined += (_, entry) => reported.Add(entry);
        Backend.DamageEnvelope(damaged.Id);

        Assert.That(storage.Claim(damaged.Id), Is.Null);
        Assert.That(storage.ClaimUnfinished(), Is.Empty);

        Assert.That(reported.Select(e => e.Name), Is.EqualTo(new[] { damaged.Id }));
        Assert.That(storage.UnfinishedIds(), Is.Empty);
        Assert.That(Shared().List(SpoolArea.Corrupt).Damaged.Select(e => e.Name), Is.EqualTo(new[] { damaged.Id }));
    }

    [Test]
    public async Task ReadState_DamagedState_ThrowsJsonException()
    {
        var storage = Owner();
        var message = await CommitMail(storage);
        storage.WriteState(message, Decided(DeliveryStatus.Pending));
        Backend.DamageState(message.Id);

        Assert.That(() => storage.ReadState(message), Throws.InstanceOf<JsonException>());
    }
}
