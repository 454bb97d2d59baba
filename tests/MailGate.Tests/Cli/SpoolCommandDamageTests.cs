using MailGate.Core.Messages;
using MailGate.Core.Deliver;
using MailGate.Core.Spool;
using MailGate.Core.Storage;
using MailGate.Cli;
using MailGate.Deliver;
using MailGate.Spool;
using MailGate.Tests.Shared;

namespace MailGate.Tests.Cli;

/// <summary>
/// <c>mailgate spool …</c> on a spool that holds damaged entries, and with a wrong path or key: each
/// damaged entry is reported and skipped, the others are still handled (one damaged state made
/// <c>spool list</c> and <c>spool retry --all-dead</c> die with a stack trace, re-queueing nothing after
/// it), and a path that is no spool is an error, not a new empty spool.
/// </summary>
[TestFixture]
public sealed class SpoolCommandDamageTests
{
    private string _folder = null!;

    private string Spool => Path.Combine(_folder, "spool");

    [SetUp]
    public void SetUp()
    {
        _folder = Path.Combine(Path.GetTempPath(), "mailgate-tests", Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(_folder);
    }

    [TearDown]
    public void TearDown() => Directory.Delete(_folder, recursive: true);

    private static async Task<(int Exit, string Output, string Error)> RunAsync(params string[] args)
    {
        using var output = new StringWriter();
        using var error = new StringWriter();
        var exit = await MailGateCommandLine.RunAsync(args, output, error);
        return (exit, output.ToString(), error.ToString());
    }

    /// <summary>A message in <paramref name="area"/> whose one delivery was rejected; <paramref name="state"/> replaces its state.json when given.</summary>
    private static async Task<string> DeadLetterAsync(SpoolStore store, SpoolArea area, string? state = null)
    {
        var message = await store.CommitAsync(Envelope.ForMail("a@example.com", ["b@example.com"], new DateTimeOffset(2026, 11, 28, 12, 0, 0, TimeSpan.Zero), null, null), Segments.Of("Subject: s\r\n\r\nbody"), CancellationToken.None);
        SpoolStore.WriteState(message, new ProcessingState
        {
            DecidedAt = new DateTimeOffset(2026, 11, 28, 12, 0, 1, TimeSpan.Zero),
            Subject = "s",
            Deliveries =
            [
                new DeliveryRecord
                {
                    Rule = "a",
                    Route = "r",
                    Event = new PagerDutyEvent { DedupKey = "k", Payload = new PagerDutyPayload { Summary = "s", Source = "a@example.com", Severity = "info" } },
                    Status = DeliveryStatus.Rejected,
                    Attempts = 1,
                },
            ],
        });
        if (state is not null)
        {
            await File.WriteAllTextAsync(Path.Combine(message.Directory, "state.json"), state);
        }

        return area == SpoolArea.Active ? message.Id : store.Move(message, area).Id;
    }

    [TestCase("""{"decided_at":"2026-11-28T12:00:00+00:00","deliveries":[null]}""")]
    [TestCase("""{ truncated""")]
    public async Task RetryAllDead_OneStateDamaged_TheOthersAreRequeued_Exit1(string damagedState)
    {
        var store = new SpoolStore(Spool);
        var first = await DeadLetterAsync(store, SpoolArea.Dead);
        var damaged = await DeadLetterAsync(store, SpoolArea.Dead, damagedState);
        var last = await DeadLetterAsync(store, SpoolArea.Dead);

        var (exit, output, _) = await RunAsync("spool", "retry", "--all-dead", "--spool", Spool);

        using (Assert.EnterMultipleScope())
        {
            Assert.That(exit, Is.EqualTo(1), output);
            Assert.That(output, Does.Contain($"{damaged}: NOT re-queued, left in dead/: "));
            Assert.That(output, Does.Contain("2 message(s) re-queued"));
            Assert.That(store.List(SpoolArea.Active).Select(m => m.Id), Is.EquivalentTo(new[] { first, last }));
            Assert.That(store.List(SpoolArea.Dead).Select(m => m.Id), Is.EqualTo(new[] { damaged }));
        }
    }

    [Test]
    public async Task List_DamagedStatesAndEntries_ListsEverything_Exit0()
    {
        var store = new SpoolStore(Spool);
        var good = await DeadLetterAsync(store, SpoolArea.Dead);
        var nullDelivery = await DeadLetterAsync(store, SpoolArea.Dead, """{"decided_at":"2026-11-28T12:00:00+00:00","deliveries":[null]}""");
        var notJson = await DeadLetterAsync(store, SpoolArea.Active, "{ truncated");
        var emptyEnvelope = Directory.CreateDirectory(Path.Combine(store.PathOf(SpoolArea.Done), "019a00000000-00000001")).FullName;
        await File.WriteAllTextAsync(Path.Combine(emptyEnvelope, "envelope.json"), "{}");
        await File.WriteAllTextAsync(Path.Combine(emptyEnvelope, "message.eml"), "x");

        var (exit, output, error) = await RunAsync("spool", "list", "--all", "--spool", Spool);

        using (Assert.EnterMultipleScope())
        {
            Assert.That(exit, Is.Zero, error);
            Assert.That(output, Does.Match($@"{good}\s+dead\s+\S+\s+1\s+a\s"));
            Assert.That(output, Does.Match($@"{nullDelivery}\s+dead\s+\S+\s+0\s+\?"));
            Assert.That(output, Does.Match($@"{notJson}\s+new\s"));
            Assert.That(output, Does.Match(@"019a00000000-00000001\s+damaged\s+in done/\s+envelope\.json is not valid: mail_from is missing"));
            Assert.That(output, Does.Contain("3 message(s) in "));
        }
    }

    [TestCase("1e308d")] // OverflowException before
    [TestCase("99999999999d")] // longer ago than year 1: ArgumentOutOfRangeException before
    public async Task Purge_OlderThanLongerThanTime_DeletesNothing_Exit0(string age)
    {
        var store = new SpoolStore(Spool);
        var done = await DeadLetterAsync(store, SpoolArea.Done);

        var (exit, output, error) = await RunAsync("spool", "purge", "--done", "--older-than", age, "--spool", Spool);

        Assert.That(exit, Is.Zero, output + error);
        Assert.That(output, Does.StartWith("0 finished message(s) received before 0001-01-01 00:00:00Z deleted"));
        Assert.That(store.List(SpoolArea.Done).Select(m => m.Id), Is.EqualTo(new[] { done }));
    }

    [Test]
    public async Task Purge_DoneHoldsAnIdAfterYear9999_IsSkippedAsDamaged_TheOthersArePurged()
    {
        var store = new SpoolStore(Spool);
        await DeadLetterAsync(store, SpoolArea.Done);
        var far = Directory.CreateDirectory(Path.Combine(store.PathOf(SpoolArea.Done), "ffffffffffff-ffffffff")).FullName;
        await File.WriteAllTextAsync(Path.Combine(far, "envelope.json"), """{"mail_from":"a@example.com","recipients":["b@example.com"],"received_at":"2026-11-28T12:00:00+00:00"}""");
        await File.WriteAllTextAsync(Path.Combine(far, "message.eml"), "x");

        var (exit, output, error) = await RunAsync("spool", "purge", "--done", "--older-than", "0s", "--spool", Spool);

        Assert.That(exit, Is.Zero, output + error);
        Assert.That(output, Does.StartWith("1 finished message(s)"));
        Assert.That(Directory.Exists(far), Is.True, "not a spool id: never read, never deleted");
    }

    [TestCase("list")]
    [TestCase("show", "019a00000000-00000001")]
    [TestCase("retry", "--all-dead")]
    [TestCase("purge", "--done", "--older-than", "7d")]
    public async Task AnyCommand_SpoolFolderThatDoesNotExist_Exit1_OneLine_CreatesNothing(params string[] command)
    {
        var typo = Path.Combine(_folder, "spoool");

        var (exit, output, error) = await RunAsync(["spool", .. command, "--spool", typo]);

        using (Assert.EnterMultipleScope())
        {
            Assert.That(exit, Is.EqualTo(1));
            Assert.That(error, Is.EqualTo($"Error: there is no spool at {typo}: no such folder{Environment.NewLine}"), output);
            Assert.That(Directory.Exists(typo), Is.False, "a mistyped path is not made into a spool");
        }
    }

    [Test]
    public async Task List_FolderThatIsNoSpool_Exit1_NamesTheMissingArea()
    {
        var (exit, _, error) = await RunAsync("spool", "list", "--spool", _folder);

        Assert.That(exit, Is.EqualTo(1));
        Assert.That(error, Does.StartWith($"Error: {_folder} is not a MailGate spool: it has no "));
        Assert.That(Directory.EnumerateFileSystemEntries(_folder), Is.Empty);
    }

    [Test]
    public async Task List_MisspeltConfigurationKey_Exit2_OneLine()
    {
        new SpoolStore(Spool).Dispose();

        var (exit, output, error) = await RunAsync("spool", "list", "--spool", Spool, "--Spool:Pth=/elsewhere");

        Assert.That(exit, Is.EqualTo(2), output);
        Assert.That(error, Is.EqualTo($"Configuration error: --Spool:Pth is not a MailGate setting; did you mean --Spool:Path?{Environment.NewLine}"));
    }

    [TestCase("7d", 7 * 86_400d)]
    [TestCase("12h", 12 * 3_600d)]
    [TestCase("0s", 0d)]
    [TestCase("1.02:00:00", 93_600d)]
    [TestCase("1e308d", double.PositiveInfinity)] // longer than TimeSpan: everything (it threw OverflowException)
    [TestCase("Infinityd", double.NaN)]
    [TestCase("-1d", double.NaN)]
    [TestCase("7w", double.NaN)]
    public void TryParseAge_Table(string text, double seconds)
    {
        var parsed = SpoolCommand.TryParseAge(text, out var age);

        Assert.That(parsed, Is.EqualTo(!double.IsNaN(seconds)));
        if (parsed)
        {
            Assert.That(double.IsPositiveInfinity(seconds) ? age == TimeSpan.MaxValue : age.TotalSeconds == seconds, Is.True, age.ToString());
        }
    }
}
