using MailGate.Storage.Postgres;
using Npgsql;

namespace MailGate.Tests.Storage;

/// <summary>
/// Poller leadership on PostgreSQL (<see cref="PostgresStorage.TryLead"/>): one lease row per role in
/// <c>mailgate.leaders</c>; exactly one owner leads a role, another takes it over when the row expires, and an owner
/// that closes gives its roles up at once.
/// </summary>
[TestFixture]
public sealed class PostgresLeadershipTests : PostgresDatabaseTest
{

    [Test]
    public async Task TryLead_TwoOwnersAtOnce_ExactlyOneLeadsEachRole()
    {
        using var a = Open();
        using var b = Open();
        foreach (var role in new[] { "support-cases", "health", "coverage-probes" })
        {
            var first = await Task.WhenAll(Task.Run(() => a.TryLead(role)), Task.Run(() => b.TryLead(role)));
            Assert.That(first.Count(led => led), Is.EqualTo(1), role);
            var leader = first[0] ? a : b;
            var other = first[0] ? b : a;
            Assert.That((leader.TryLead(role), other.TryLead(role), leader.TryLead(role)), Is.EqualTo((true, false, true)), $"{role}: the leader renews, the other keeps waiting");
        }

        Assert.That(Scalar("SELECT count(*) FROM mailgate.leaders"), Is.EqualTo(3));
    }

    [Test]
    public void TryLead_LeaderRowExpired_OtherOwnerTakesItAndTheOldLeaderNoLongerLeads()
    {
        using var a = Open();
        using var b = Open();
        Assert.That((a.TryLead("support-cases"), b.TryLead("support-cases")), Is.EqualTo((true, false)));

        Scalar("WITH u AS (UPDATE mailgate.leaders SET expires = now() - interval '1 second' RETURNING 1) SELECT count(*) FROM u");

        Assert.That((b.TryLead("support-cases"), a.TryLead("support-cases")), Is.EqualTo((true, false)), "the first to try after the expiry takes it; the old leader must stop");
        Assert.That(Scalar("SELECT count(*) FROM mailgate.leaders WHERE expires > now() + interval '25 seconds'"), Is.EqualTo(1), "the lease runs Spool:LeaseDuration from the database's now()");
    }

    [Test]
    public void Dispose_Leader_RowReleasedSoTheOtherLeadsAtOnce()
    {
        using var b = Open();
        var a = Open();
        Assert.That((a.TryLead("support-cases"), b.TryLead("support-cases")), Is.EqualTo((true, false)));

        a.Dispose();

        Assert.That((b.TryLead("support-cases"), a.TryLead("support-cases")), Is.EqualTo((true, false)), "no lease to wait out; a closed owner leads nothing");
    }

    [Test]
    public void TryLead_SharedViewOrRowTakenOver_DoesNotLead()
    {
        using var shared = Open(owner: false);
        Assert.That(shared.TryLead("support-cases"), Is.False);
        Assert.That(Scalar("SELECT count(*) FROM mailgate.leaders"), Is.Zero, "a shared view takes no row");

        using var owner = Open();
        Assert.That(owner.TryLead("support-cases"), Is.True);
        Scalar("WITH u AS (UPDATE mailgate.leaders SET owner = gen_random_uuid() RETURNING 1) SELECT count(*) FROM u");
        Assert.That(owner.TryLead("support-cases"), Is.False, "another owner holds it now");
    }

    private long Scalar(string sql)
    {
        using var connection = new NpgsqlConnection(Backend.ConnectionString);
        connection.Open();
        using var command = new NpgsqlCommand(sql, connection);
        return Convert.ToInt64(command.ExecuteScalar(), System.Globalization.CultureInfo.InvariantCulture);
    }
}
