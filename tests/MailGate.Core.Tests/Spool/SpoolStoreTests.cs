using MailGate.Core.Messages;
using MailGate.Core.Deliver;
using MailGate.Core.Spool;
using MailGate.Core.Storage;
using MailGate.Tests.Shared;

namespace MailGate.Core.Tests.Spool;

[TestFixture]
public sealed class SpoolStoreTests
{
    private static readonly DateTimeOffset Received = new(2026, 11, 28, 12, 0, 0, TimeSpan.Zero);
    private string _root = null!;

    [SetUp]
    public void SetUp() => _root = Path.Combine(Path.GetTempPath(), "mailgate-spool-tests", Guid.NewGuid().ToString("N"));

    [TearDown]
    public void TearDown()
    {
        if (Directory.Exists(_root))
        {
            Directory.Delete(_root, recursive: true);
        }
    }

    private static Envelope Envelope(DateTimeOffset? at = null) =>
        MailGate.Core.Messages.Envelope.ForMail("bounce@example.com", ["aws-abuse@mailgate.example.com", "other@mailgate.example.com"], at ?? Received, "192.0.2.1", "session-1");

    [Test]
    public async Task CommitAsync_MultiSegmentData_WritesTheBytesPlusTheFinalCrlf()
    {
        var sut = new SpoolStore(_root);

        var message = await sut.CommitAsync(Envelope(), Segments.Of("Subject: a\r\n", "\r\n", "body"), CancellationToken.None);

        Assert.That(await File.ReadAllTextAsync(message.MessagePath), Is.EqualTo("Subject: a\r\n\r\nbody\r\n"));
        Assert.That(message.Directory, Is.EqualTo(Path.Combine(sut.PathOf(SpoolArea.Active), message.Id)));
        Assert.That(Directory.EnumerateFileSystemEntries(sut.PathOf(SpoolArea.Incoming)), Is.Empty);
    }

    [Test]
    public async Task CommitAsync_Envelope_RoundTripsThroughList()
    {
        var sut = new SpoolStore(_root);
        var message = await sut.CommitAsync(Envelope(), Segments.Of("x"), CancellationToken.None);

        var listed = sut.List(SpoolArea.Active).Single();

        Assert.That(listed.Id, Is.EqualTo(message.Id));
        Assert.That(listed.Envelope.Mail!.MailFrom, Is.EqualTo("bounce@example.com"));
        Assert.That(listed.Envelope.Mail!.Recipients, Is.EqualTo(new[] { "aws-abuse@mailgate.example.com", "other@mailgate.example.com" }));
        Assert.That(listed.Envelope.ReceivedAt, Is.EqualTo(Received));
        Assert.That(listed.Envelope.Mail!.ClientAddress, Is.EqualTo("192.0.2.1"));
    }

    [Test]
    public async Task List_SeveralMessages_OldestFirst()
    {
        var sut = new SpoolStore(_root);
        var later = await sut.CommitAsync(Envelope(Received.AddSeconds(5)), Segments.Of("b"), CancellationToken.None);
        var earlier = await sut.CommitAsync(Envelope(Received), Segments.Of("a"), CancellationToken.None);

        Assert.That(sut.List(SpoolArea.Active).Select(m => m.Id), Is.EqualTo(new[] { earlier.Id, later.Id }));
    }

    [Test]
    public async Task WriteState_ThenReadState_RoundTrips()
    {
        var sut = new SpoolStore(_root);
        var message = await sut.CommitAsync(Envelope(), Segments.Of("x"), CancellationToken.None);
        var state = new ProcessingState
        {
            RulesVersion = "abc",
            DecidedAt = Received,
            Subject = "s",
            Deliveries =
            [
                new DeliveryRecord
                {
                    Rule = "r",
                    Route = "route",
                    Status = DeliveryStatus.Pending,
                    Attempts = 3,
                    LastError = "HTTP 503",
                    Event = new PagerDutyEvent { DedupKey = "k", Payload = new PagerDutyPayload { Summary = "s", Source = "src", Severity = "critical" } },
                },
            ],
        };

        SpoolStore.WriteState(message, state);
        var read = SpoolStore.ReadState(message);

        Assert.That(read.IsDecided, Is.True);
        Assert.That(read.IsFinished, Is.False);
        Assert.That(read.Deliveries[0].Attempts, Is.EqualTo(3));
        Assert.That(read.Deliveries[0].Event.DedupKey, Is.EqualTo("k"));
        Assert.That(File.Exists(Path.Combine(message.Directory, "state.json.tmp")), Is.False);
    }

    [Test]
    public async Task ReadState_NeverWritten_IsUndecided()
    {
        var sut = new SpoolStore(_root);
        var message = await sut.CommitAsync(Envelope(), Segments.Of("x"), CancellationToken.None);
        Assert.That(SpoolStore.ReadState(message).IsDecided, Is.False);
    }

    [Test]
    public async Task Move_ToDone_LeavesTheActiveArea()
    {
        var sut = new SpoolStore(_root);
        var message = await sut.CommitAsync(Envelope(), Segments.Of("x"), CancellationToken.None);

        var moved = sut.Move(message, SpoolArea.Done);

        Assert.That(sut.List(SpoolArea.Active), Is.Empty);
        Assert.That(File.Exists(moved.MessagePath), Is.True);
        Assert.That(sut.Find(message.Id)!.Value.Area, Is.EqualTo(SpoolArea.Done));
    }

    [Test]
    public async Task Recover_AfterACrash_DeletesPartialWritesAndSetsDamagedMessagesAside()
    {
        var sut = new SpoolStore(_root);
        var good = await sut.CommitAsync(Envelope(), Segments.Of("x"), CancellationToken.None);
        Directory.CreateDirectory(Path.Combine(sut.PathOf(SpoolArea.Incoming), "019a00000000-00000001"));
        var noEnvelope = Directory.CreateDirectory(Path.Combine(sut.PathOf(SpoolArea.Active), "019a00000000-00000002"));
        await File.WriteAllTextAsync(Path.Combine(noEnvelope.FullName, "message.eml"), "x");
        var badEnvelope = Directory.CreateDirectory(Path.Combine(sut.PathOf(SpoolArea.Active), "019a00000000-00000003"));
        await File.WriteAllTextAsync(Path.Combine(badEnvelope.FullName, "message.eml"), "x");
        await File.WriteAllTextAsync(Path.Combine(badEnvelope.FullName, "envelope.json"), "{ truncated");

        var recovery = sut.Recover();

        Assert.That(recovery.DiscardedIncoming, Is.EqualTo(1));
        Assert.That(recovery.Corrupt, Is.EquivalentTo(new[] { "019a00000000-00000002", "019a00000000-00000003" }));
        Assert.That(sut.List(SpoolArea.Active).Select(m => m.Id), Is.EqualTo(new[] { good.Id }));
        Assert.That(Directory.Exists(Path.Combine(sut.PathOf(SpoolArea.Corrupt), "019a00000000-00000003")), Is.True);
    }

    [Test]
    public void Find_NotAnId_IsNullAndTouchesNoPath() =>
        Assert.That(new SpoolStore(_root).Find("../../etc"), Is.Null);

    [TestCase("019a7f3c2b10-5e0c9a1f", true)]
    [TestCase("019A7F3C2B10-5E0C9A1F", false)]
    [TestCase("019a7f3c2b10_5e0c9a1f", false)]
    [TestCase("019a7f3c2b10-5e0c9a1", false)]
    [TestCase("../../../etc/passwd1", false)]
    [TestCase("", false)]
    [TestCase("e677d21fdbff-ffffffff", true)] // the last millisecond of year 9999
    [TestCase("e677d21fdc00-00000000", false)] // one past it: ReceivedAt cannot answer
    [TestCase("ffffffffffff-ffffffff", false)]
    public void IsValid_Table(string id, bool valid) => Assert.That(SpoolIds.IsValid(id), Is.EqualTo(valid));

    [Test]
    public void ReceivedAt_LatestValidId_IsTheLastMillisecondOfYear9999() =>
        Assert.That(SpoolIds.ReceivedAt("e677d21fdbff-ffffffff"), Is.EqualTo(DateTimeOffset.FromUnixTimeMilliseconds(DateTimeOffset.MaxValue.ToUnixTimeMilliseconds())));

    /// <summary>
    /// Valid JSON that lacks what the gateway acts on threw a NullReferenceException in the processor at
    /// every scan (and in <c>spool list</c> and <c>spool retry</c>); now it reads as unreadable, like
    /// broken JSON, so the processor sets the message aside.
    /// </summary>
    [TestCase("""{"decided_at":"2026-11-28T12:00:00+00:00","deliveries":null}""", "decided, but its deliveries are missing")]
    [TestCase("""{"decided_at":"2026-11-28T12:00:00+00:00"}""", "decided, but its deliveries are missing")]
    [TestCase("""{"decided_at":"2026-11-28T12:00:00+00:00","deliveries":[null]}""", "deliveries[0] is null")]
    [TestCase("""{"decided_at":"2026-11-28T12:00:00+00:00","deliveries":[{"rule":null,"route":"r","event":{"dedup_key":"k","payload":{"summary":"s","source":"s","severity":"info"}}}]}""", "deliveries[0] has no rule")]
    [TestCase("""{"decided_at":"2026-11-28T12:00:00+00:00","deliveries":[{"rule":"a","route":"r","event":null}]}""", "deliveries[0] has no complete event")]
    [TestCase("""{"decided_at":"2026-11-28T12:00:00+00:00","deliveries":[{"rule":"a","route":"r","event":{"dedup_key":"k","payload":null}}]}""", "deliveries[0] has no complete event")]
    [TestCase("""{"decided_at":"2026-11-28T12:00:00+00:00","deliveries":[{"rule":"a","route":"r","event":{"dedup_key":"k","payload":{"summary":null,"source":"s","severity":"info"}}}]}""", "deliveries[0] has no complete event payload")]
    public async Task ReadState_ValidJsonLackingWhatIsActedOn_ThrowsJsonException(string json, string problem)
    {
        var sut = new SpoolStore(_root);
        var message = await sut.CommitAsync(Envelope(), Segments.Of("x"), CancellationToken.None);
        await File.WriteAllTextAsync(Path.Combine(message.Directory, "state.json"), json);

        Assert.That(() => SpoolStore.ReadState(message), Throws.InstanceOf<System.Text.Json.JsonException>().With.Message.EqualTo($"state.json is incomplete: {problem}"));
    }

    [TestCase("""{}""")]
    [TestCase("""{"deliveries":null,"untrusted":null}""")] // nothing decided: nothing owed
    [TestCase("""null""")]
    public async Task ReadState_NothingDecided_IsANewState(string json)
    {
        var sut = new SpoolStore(_root);
        var message = await sut.CommitAsync(Envelope(), Segments.Of("x"), CancellationToken.None);
        await File.WriteAllTextAsync(Path.Combine(message.Directory, "state.json"), json);

        var state = SpoolStore.ReadState(message);

        Assert.That((state.IsDecided, state.Deliveries, state.Untrusted), Is.EqualTo((false, Array.Empty<DeliveryRecord>(), Array.Empty<string>())));
    }

    [Test]
    public async Task ReadState_WrittenBeforeUntrustedWasKept_ReadsAsNone()
    {
        var sut = new SpoolStore(_root);
        var message = await sut.CommitAsync(Envelope(), Segments.Of("x"), CancellationToken.None);
        await File.WriteAllTextAsync(Path.Combine(message.Directory, "state.json"), """{"rules_version":"v1","decided_at":"2026-11-28T12:00:00+00:00","dropped_by":"everything-else","deliveries":[]}""");

        var state = SpoolStore.ReadState(message);

        Assert.That((state.IsFinished, state.DroppedBy, state.Untrusted), Is.EqualTo((true, "everything-else", Array.Empty<string>())));
    }

    [Test]
    public void New_SortsByTime_AndIsValid()
    {
        var a = SpoolIds.New(Received);
        var b = SpoolIds.New(Received.AddMilliseconds(1));
        Assert.That(SpoolIds.IsValid(a) && SpoolIds.IsValid(b), Is.True);
        Assert.That(string.CompareOrdinal(a, b), Is.LessThan(0));
    }

    [Test]
    public async Task CommitAsync_GroupCommit_ManyConcurrentCommitsShareFlushes()
    {
        using var sut = new SpoolStore(_root, groupCommit: true);
        Assert.That(sut.GroupCommit, Is.True, "group commit is on (Linux)");

        var commits = Enumerable.Range(0, 50).Select(i => sut.CommitAsync(Envelope(Received.AddMilliseconds(i)), Segments.Of($"Subject: {i}\r\n\r\nbody"), CancellationToken.None));
        var messages = await Task.WhenAll(commits);

        Assert.That(sut.List(SpoolArea.Active).Select(m => m.Id), Is.EquivalentTo(messages.Select(m => m.Id)));
        Assert.That(Directory.EnumerateFileSystemEntries(sut.PathOf(SpoolArea.Incoming)), Is.Empty);
        Assert.That(await File.ReadAllTextAsync(messages[7].MessagePath), Is.EqualTo("Subject: 7\r\n\r\nbody\r\n"));
        Assert.That(sut.GroupCommitBatches, Is.InRange(1, 50));
    }

    [Test]
    public void CommitAsync_GroupCommit_FolderCannotBeMoved_Throws_AndCleansUp()
    {
        using var sut = new SpoolStore(_root, groupCommit: true);
        Assert.That(sut.GroupCommit, Is.True, "group commit is on (Linux)");
        Directory.Delete(sut.PathOf(SpoolArea.Active), recursive: true);
        File.WriteAllText(sut.PathOf(SpoolArea.Active), "not a folder");

        Assert.ThrowsAsync<IOException>(() => sut.CommitAsync(Envelope(), Segments.Of("y"), CancellationToken.None));
        Assert.That(Directory.EnumerateFileSystemEntries(sut.PathOf(SpoolArea.Incoming)), Is.Empty, "the unacknowledged folder is cleaned up");
    }

    [Test]
    public async Task IdsAndOpen_ListNamesWithoutReading_ThenOpenOne()
    {
        var sut = new SpoolStore(_root);
        var first = await sut.CommitAsync(Envelope(Received), Segments.Of("a"), CancellationToken.None);
        var second = await sut.CommitAsync(Envelope(Received.AddSeconds(1)), Segments.Of("b"), CancellationToken.None);
        Directory.CreateDirectory(Path.Combine(sut.PathOf(SpoolArea.Active), "not-an-id"));

        Assert.That(sut.Ids(SpoolArea.Active), Is.EqualTo(new[] { first.Id, second.Id }));
        Assert.That(sut.Open(SpoolArea.Active, second.Id)!.Envelope.ReceivedAt, Is.EqualTo(Received.AddSeconds(1)));
        Assert.That(sut.Open(SpoolArea.Done, second.Id), Is.Null);
    }

    [TestCase(false)]
    [TestCase(true)]
    public async Task CommitAsync_SupportCase_WritesCaseJsonAsIs_AndSurvivesRecovery(bool groupCommit)
    {
        using var sut = new SpoolStore(_root, groupCommit);
        var origin = new SupportCaseOrigin("123456789012", "prod-payments", "root@example.com", "ja", Resolve: true);
        var json = """{"caseId":"case-123456789012-x","subject":"\u65e5\u672c"}""";

        var committed = await sut.CommitAsync(MailGate.Core.Messages.Envelope.ForSupportCase(origin, Received), Segments.Of(json), CancellationToken.None);
        var recovery = sut.Recover();
        var reopened = sut.Open(SpoolArea.Active, committed.Id)!;

        Assert.Multiple(() =>
        {
            Assert.That(Path.GetFileName(committed.MessagePath), Is.EqualTo("case.json"));
            Assert.That(File.ReadAllText(committed.MessagePath), Is.EqualTo(json), "no CRLF appended");
            Assert.That(File.Exists(Path.Combine(committed.Directory, "message.eml")), Is.False);
            Assert.That(recovery.Corrupt, Is.Empty);
            Assert.That(reopened.Envelope.Origin is SupportCaseOrigin, Is.True);
            Assert.That(reopened.Envelope.SupportCase, Is.EqualTo(origin));
            Assert.That(reopened.Envelope.ReceivedAt, Is.EqualTo(Received));
        });
    }

    [Test]
    public async Task Open_EnvelopeWrittenBeforeSupportCasesExisted_IsMail()
    {
        var sut = new SpoolStore(_root);
        var message = await sut.CommitAsync(Envelope(), Segments.Of("Subject: a\r\n\r\nb"), CancellationToken.None);
        File.WriteAllText(
            Path.Combine(message.Directory, "envelope.json"),
            """{"mail_from":"a@example.com","recipients":["b@example.com"],"received_at":"2026-11-28T12:00:00+00:00"}""");

        var reopened = sut.Open(SpoolArea.Active, message.Id)!;

        Assert.That((reopened.Envelope.Origin is SupportCaseOrigin, Path.GetFileName(reopened.MessagePath)), Is.EqualTo((false, "message.eml")));
    }

    [Test]
    public async Task Recover_SupportCaseWithoutItsJson_IsSetAside()
    {
        var sut = new SpoolStore(_root);
        var committed = await sut.CommitAsync(
            MailGate.Core.Messages.Envelope.ForSupportCase(new SupportCaseOrigin("123456789012", "", "", "en"), Received), Segments.Of("{}"), CancellationToken.None);
        File.Delete(committed.MessagePath);

        Assert.That(sut.Recover().Corrupt, Is.EqualTo(new[] { committed.Id }));
    }
}
