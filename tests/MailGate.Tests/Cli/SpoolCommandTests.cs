using MailGate.Core.Storage;
using MailGate.Cli;
using MailGate.Tests.Support;

namespace MailGate.Tests.Cli;

/// <summary><c>mailgate spool …</c> against a running gateway's spool.</summary>
[TestFixture]
public sealed class SpoolCommandTests : GatewayTestBase
{
    protected override string[] Settings => ["--Spool:ScanInterval=00:00:00.200"];

    private async Task<(int Exit, string Output)> RunAsync(params string[] args)
    {
        using var output = new StringWriter();
        var exit = await MailGateCommandLine.RunAsync([.. args, "--spool", Gateway.SpoolPath], output, output);
        return (exit, output.ToString());
    }

    [Test]
    public async Task DeadLetter_ListShowRetry_IsDeliveredOnceTheCauseIsFixed()
    {
        PagerDuty.Respond = _ => FakeResponse.Invalid;
        var id = await Mail.SendAsync(Gateway, Mail.Fixture("abuse-report-via-google-group.eml"));
        Assert.That(await Gateway.WaitFinishedAsync(id), Is.EqualTo(SpoolArea.Dead));

        var (listExit, list) = await RunAsync("spool", "list");
        Assert.That(listExit, Is.Zero);
        Assert.That(list, Does.Match($@"{id}\s+dead\s+\d+s\s+1\s+aws-abuse-report\s+Your AWS Abuse Report.*HTTP 400: Event object is invalid"));

        var (showExit, show) = await RunAsync("spool", "show", id);
        Assert.That(showExit, Is.Zero);
        Assert.That(show, Does.Contain($"{id}: dead"));
        Assert.That(show, Does.Contain("\"status\": \"Rejected\""));
        Assert.That(show, Does.Contain("X-Original-From: AWS Trust & Safety <ec2-abuse@amazon.com>"));

        PagerDuty.Respond = _ => FakeResponse.Accepted;
        Gateway.ResetFinished(id);
        var (retryExit, retry) = await RunAsync("spool", "retry", id);
        Assert.That(retryExit, Is.Zero, retry);

        Assert.That(await Gateway.WaitFinishedAsync(id), Is.EqualTo(SpoolArea.Done), "the running gateway picked the re-queued message up");
        Assert.That(PagerDuty.Accepted, Has.Count.EqualTo(1));
        Assert.That(PagerDuty.Requests.Select(r => r.DedupKey).Distinct().Count(), Is.EqualTo(1), "the retry sends the same event, with the same dedup key");
    }

    [Test]
    public async Task RetryAllDead_RequeuesEveryDeadLetter()
    {
        PagerDuty.Respond = _ => FakeResponse.Invalid;
        var first = await Mail.SendAsync(Gateway, Mail.Fixture("abuse-report-via-google-group.eml"));
        var second = await Mail.SendAsync(Gateway, Mail.Fixture("abuse-report-via-google-group.eml"));
        await Gateway.WaitFinishedAsync(first);
        await Gateway.WaitFinishedAsync(second);
        PagerDuty.Respond = _ => FakeResponse.Accepted;
        Gateway.ResetFinished(first);
        Gateway.ResetFinished(second);

        var (exit, output) = await RunAsync("spool", "retry", "--all-dead");

        Assert.That(exit, Is.Zero);
        Assert.That(output, Does.Contain("2 message(s) re-queued"));
        Assert.That(await Gateway.WaitFinishedAsync(first), Is.EqualTo(SpoolArea.Done));
        Assert.That(await Gateway.WaitFinishedAsync(second), Is.EqualTo(SpoolArea.Done));
    }

    [Test]
    public async Task Retry_NotADeadMessage_Exits2()
    {
        var id = await Mail.SendAsync(Gateway, Mail.Fixture("billing-statement-via-google-group.eml"));
        await Gateway.WaitFinishedAsync(id);

        var (exit, output) = await RunAsync("spool", "retry", id);

        Assert.That(exit, Is.EqualTo(2));
        Assert.That(output, Does.Contain("is not a dead message"));
    }

    [Test]
    public async Task Purge_DoneOlderThan_DeletesOnlyOldFinishedMessages()
    {
        var id = await Mail.SendAsync(Gateway, Mail.Fixture("billing-statement-via-google-group.eml"));
        await Gateway.WaitFinishedAsync(id);

        var (keepExit, kept) = await RunAsync("spool", "purge", "--done", "--older-than", "7d");
        Assert.That(keepExit, Is.Zero);
        Assert.That(kept, Does.StartWith("0 finished message(s)"));

        var (exit, output) = await RunAsync("spool", "purge", "--done", "--older-than", "0s");
        Assert.That(exit, Is.Zero);
        Assert.That(output, Does.StartWith("1 finished message(s)"));
        Assert.That(output.TrimEnd(), Does.EndWith("deleted from " + Path.Combine(Gateway.SpoolPath, "done")), "names the folder it deleted from, as before the storage seam");
        Assert.That(Gateway.Spool.Find(id), Is.Null);
    }

    [Test]
    public async Task List_All_IncludesFinishedMail()
    {
        var id = await Mail.SendAsync(Gateway, Mail.Fixture("billing-statement-via-google-group.eml"));
        await Gateway.WaitFinishedAsync(id);

        var (_, without) = await RunAsync("spool", "list");
        var (_, with) = await RunAsync("spool", "list", "--all");

        Assert.That(without, Does.Not.Contain(id));
        Assert.That(with, Does.Match($@"{id}\s+done\s+.*everything-else"));
    }

    /// <summary>Issue #11 §4: the CLI never follows a link in the spool (dead/ and done/ are the CLI's to change, so it is tested there).</summary>
    [Test]
    public async Task LinksInDeadAndDone_AreListedAsDamaged_NeverShownRetriedOrPurged()
    {
        var foreign = Directory.CreateDirectory(Path.Combine(Gateway.Folder, "foreign")).FullName;
        await File.WriteAllTextAsync(Path.Combine(foreign, "envelope.json"), """{"mail_from":"a@example.com","recipients":["b@example.com"],"received_at":"2026-11-28T12:00:00+00:00"}""");
        await File.WriteAllTextAsync(Path.Combine(foreign, "message.eml"), "X-Secret: outside the spool\r\n\r\n");
        const string dead = "019a00000000-0000dead";
        const string done = "019a00000000-00000d0e";
        Directory.CreateSymbolicLink(Path.Combine(Gateway.SpoolPath, "dead", dead), foreign);
        Directory.CreateSymbolicLink(Path.Combine(Gateway.SpoolPath, "done", done), foreign);

        var (listExit, list) = await RunAsync("spool", "list", "--all");
        var (showExit, show) = await RunAsync("spool", "show", dead);
        var (retryExit, _) = await RunAsync("spool", "retry", dead);
        var (_, retryAll) = await RunAsync("spool", "retry", "--all-dead");
        var (_, purge) = await RunAsync("spool", "purge", "--done", "--older-than", "0s");

        using (Assert.EnterMultipleScope())
        {
            Assert.That(listExit, Is.Zero);
            Assert.That(list, Does.Match($@"{dead}\s+damaged\s+in dead/\s+a symbolic link"));
            Assert.That(list, Does.Match($@"{done}\s+damaged\s+in done/\s+a symbolic link"));
            Assert.That(list, Does.Contain("0 message(s)").And.Contain("2 damaged entries"));
            Assert.That(showExit, Is.EqualTo(1));
            Assert.That(show, Does.Contain($"{dead} in dead/ is not a message folder").And.Not.Contain("X-Secret"));
            Assert.That(retryExit, Is.EqualTo(2));
            Assert.That(retryAll, Does.Contain("0 message(s) re-queued"));
            Assert.That(purge, Does.StartWith("0 finished message(s)"));
            Assert.That(new FileInfo(Path.Combine(Gateway.SpoolPath, "dead", dead)).LinkTarget, Is.EqualTo(foreign), "left where it was");
            Assert.That(Directory.EnumerateFileSystemEntries(Path.Combine(Gateway.SpoolPath, "active")), Is.Empty, "nothing re-queued");
            Assert.That(Directory.EnumerateFileSystemEntries(foreign).Select(Path.GetFileName), Is.EquivalentTo(new[] { "envelope.json", "message.eml" }), "the target is untouched");
        }
    }

    [TestCase("7d", 7 * 24 * 60)]
    [TestCase("12h", 12 * 60)]
    [TestCase("30m", 30)]
    [TestCase("90s", 1.5)]
    [TestCase("1.02:00:00", 26 * 60)]
    public void TryParseAge_Valid(string text, double minutes)
    {
        Assert.That(SpoolCommand.TryParseAge(text, out var age), Is.True);
        Assert.That(age.TotalMinutes, Is.EqualTo(minutes));
    }

    [TestCase("")]
    [TestCase("7x")]
    [TestCase("-1d")]
    [TestCase("soon")]
    public void TryParseAge_Invalid(string text) => Assert.That(SpoolCommand.TryParseAge(text, out _), Is.False);
}
