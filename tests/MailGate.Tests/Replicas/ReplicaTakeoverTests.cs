using System.Diagnostics;
using MailGate.Tests.Support;
using Npgsql;

namespace MailGate.Tests.Replicas;

/// <summary>
/// A replica dies holding decided work that PagerDuty would not take (issue #14, "Tests"): once its leases run out,
/// the other replica takes the work over and delivers every message when PagerDuty is back, each once.
/// </summary>
[TestFixture]
[Category(ReplicaKillTests.Category)]
public sealed class ReplicaTakeoverTests
{
    private const int Messages = 20;
    private static readonly TimeSpan Guard = TimeSpan.FromSeconds(60);

    [Test]
    public async Task PagerDutyDown_ReplicaKilledHolding20Decided_OtherReplicaDeliversEachOnce_WhenPagerDutyIsBack()
    {
        var clock = Stopwatch.StartNew();
        await using var pagerDuty = await FakePagerDuty.StartAsync();
        var down = true;
        pagerDuty.Respond = n => !Volatile.Read(ref down) ? FakeResponse.Accepted : n % 2 == 0 ? FakeResponse.ServerError : FakeResponse.Unavailable;
        await using var set = ReplicaSet.Create(ReplicaMail.Rules, pagerDuty);
        var replicas = await set.StartAllAsync("A", "B");
        var (a, b) = (replicas[0], replicas[1]);
        var ids = Enumerable.Range(0, Messages).Select(i => $"replica-takeover-{i}@example.com").ToArray();

        foreach (var id in ids) // one at a time: the gateway caps connections per client address
        {
            await ReplicaMail.SendAsync(a.Smtp, ReplicaMail.Message(id));
        }

        // Decided (A's log says so for each; one route delivers in order, so only the first is being retried), and PagerDuty refuses.
        foreach (var id in ids)
        {
            await a.Process.WaitForLineAsync(l => l.Contains("Decided ", StringComparison.Ordinal) && l.Contains($"message {id} ", StringComparison.Ordinal), Guard);
        }

        await pagerDuty.WaitForAsync(r => r.Count > 0, Guard);
        var (owners, live) = await LeasesAsync(set);
        var refusedBeforeKill = pagerDuty.Requests.Count;

        await ReplicaSet.KillAsync(a);
        var killedAt = clock.Elapsed;
        Volatile.Write(ref down, false);
        await pagerDuty.WaitForAsync(r => ids.All(ReplicaMail.AcceptedByMessage(r).Contains), Guard);
        var deliveredAt = clock.Elapsed;
        await set.WaitUntilAllFinishedAsync(Guard);

        var requests = pagerDuty.Requests;
        var triggered = ReplicaMail.AcceptedByMessage(requests);
        TestContext.Out.WriteLine(
            $"{Messages} messages accepted by A; {refusedBeforeKill} refused POSTs while PagerDuty was down; at the kill the active rows " +
            $"had {owners} lease owner(s), {live} row(s) with a lease still running; B delivered all {Messages} " +
            $"{(deliveredAt - killedAt).TotalSeconds:F1} s after the SIGKILL (lease {ReplicaSet.LeaseDuration.TotalSeconds} s, scan " +
            $"{ReplicaSet.ScanInterval.TotalSeconds} s); triggers accepted per message: {string.Join(",", ids.Select(id => triggered[id].Count()).Distinct())}; " +
            $"{requests.Count} POSTs in all; test {clock.Elapsed.TotalSeconds:F1} s");

        using (Assert.EnterMultipleScope())
        {
            Assert.That(a.IsRunning, Is.False, "A was killed");
            Assert.That(b.IsRunning, Is.True);
            Assert.That(ids.Select(id => triggered[id].Count()), Is.All.EqualTo(1), "every message delivered once");
            Assert.That(requests.Select(ReplicaMail.MessageIdOf).Distinct(), Is.EquivalentTo(ids), "nothing else was sent");
            Assert.That(requests.Where(r => ids.Contains(ReplicaMail.MessageIdOf(r))).GroupBy(ReplicaMail.MessageIdOf).Select(g => g.Select(r => r.DedupKey).Distinct().Count()), Is.All.EqualTo(1), "one dedup key per message");
        }
    }

    // How many distinct owners hold the unfinished rows, and how many of their leases are still running.
    private static async Task<(long Owners, long Live)> LeasesAsync(ReplicaSet set)
    {
        await using var connection = new NpgsqlConnection(set.ConnectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand("SELECT count(DISTINCT lease_owner), count(*) FILTER (WHERE lease_expires > now()) FROM mailgate.messages WHERE area = 'active'", connection);
        await using var reader = await command.ExecuteReaderAsync();
        await reader.ReadAsync();
        return (reader.GetInt64(0), reader.GetInt64(1));
    }
}
