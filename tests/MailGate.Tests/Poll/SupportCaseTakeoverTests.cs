using MailGate.Core.Storage;
using MailGate.Poll;
using MailGate.Spool;
using MailGate.Tests.Support.Aws;
using Microsoft.Extensions.DependencyInjection;

namespace MailGate.Tests.Poll;

/// <summary>
/// What a new poller leader inherits (issue #14, "Pollers run once, anywhere"): the cursors the old leader wrote,
/// and — when the old leader died between committing a case and recording it in the cursor — that case again.
/// </summary>
[TestFixture]
public sealed class SupportCaseTakeoverTests : SupportCasePollerTestBase
{
    [Test]
    public async Task CaseCommittedButCursorWriteLost_FoundAgain_SecondCopyIsADuplicate()
    {
        var added = Aws.Support.AddCase(Prod, new FakeCase { TimeCreated = DateTimeOffset.UtcNow.AddMinutes(-3) });
        await StartAsync();
        await PagerDuty.WaitForAsync(r => r.Count >= 1, TimeSpan.FromSeconds(30));
        await PollsAsync(1);
        await Gateway!.StopAsync();

        // The old leader committed the case, then died before its cursor recorded it as taken.
        var cursors = new CaseCursorStore(Path.Combine(Gateway.SpoolPath, "support-cases"));
        var cursor = cursors.Load(Prod);
        Assert.That(cursor.For("en").Seen.Remove(added.CaseId!), Is.True, "the cursor had recorded the case as taken");
        cursors.Save(Prod, cursor);
        await Gateway.RestartAsync(PagerDuty, Settings());
        await PollsAsync(2);
        await SettledAsync();

        Assert.Multiple(() =>
        {
            Assert.That(Gateway.Spool.Ids(SpoolArea.Done), Has.Count.EqualTo(2), "found again: spooled a second time (the window between commit and cursor)");
            Assert.That(PagerDuty.Accepted.Select(e => e.DedupKey), Is.EqualTo(new[] { $"mailgate-{Rule}-{added.CaseId}" }), "the delivery ledger keeps the second copy from triggering again");
            Assert.That(cursors.Load(Prod).For("en").Seen.Keys, Is.EqualTo(new[] { added.CaseId! }), "recorded as taken again: later polls skip it");
        });
    }

    [Test]
    public async Task FileSpool_OneOwner_LeadsThePollerRole()
    {
        await StartAsync();
        await PollsAsync(1);

        Assert.That(Gateway!.Services.GetRequiredService<RoleLeadership>().IsLeading(CaseCursorStore.Poller), Is.True);
    }
}
