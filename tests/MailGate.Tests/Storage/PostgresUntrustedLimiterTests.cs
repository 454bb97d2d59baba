using MailGate.Core.Decide;
using MailGate.Core.Rules;
using MailGate.Storage.Postgres;
using Npgsql;

namespace MailGate.Tests.Storage;

/// <summary>
/// The untrusted limits shared in PostgreSQL (<see cref="PostgresUntrustedLimiter"/>): two replicas' limiters on one
/// database count against the same sliding hour, per sender, per client network and in all.
/// </summary>
[TestFixture]
public sealed class PostgresUntrustedLimiterTests : PostgresDatabaseTest
{
    private static readonly UntrustedTreatment Limits = UntrustedTreatment.Default with { MaxPerClientNetworkPerHour = 10, MaxPerHour = 20 };

    /// <summary>Pages asked alternately on replica A and B: (sender, client address) each; then the one more asked on the other replica and its verdict.</summary>
    private static IEnumerable<TestCaseData> Cases()
    {
        static string[] Same(string sender, int count, Func<int, string> client) => [.. Enumerable.Range(0, count).Select(i => sender + "|" + client(i))];
        yield return new TestCaseData(Same("abuse@example.net", 5, i => $"198.51.{i}.7"), "abuse@example.net|203.0.113.1", UntrustedVerdict.SenderLimited).SetName("Sender: 6th of one sender refused on the other replica");
        yield return new TestCaseData(Same("abuse@example.net", 5, i => $"198.51.{i}.7"), "ABUSE@Example.NET|203.0.113.1", UntrustedVerdict.SenderLimited).SetName("Sender: counted case-insensitively");
        yield return new TestCaseData(Same("abuse@example.net", 4, i => $"198.51.{i}.7"), "abuse@example.net|203.0.113.1", UntrustedVerdict.Allowed).SetName("Sender: 5th still allowed");
        yield return new TestCaseData(Enumerable.Range(0, 10).Select(i => $"s{i}@example.net|198.51.100.{i}").ToArray(), "other@example.net|198.51.100.200", UntrustedVerdict.ClientNetworkLimited).SetName("Network: 11th from one /24 refused");
        yield return new TestCaseData(Enumerable.Range(0, 20).Select(i => $"s{i}@example.net|192.0.{i}.1").ToArray(), "new@example.net|203.0.113.1", UntrustedVerdict.GlobalLimited).SetName("Global: 21st refused");
    }

    [TestCaseSource(nameof(Cases))]
    public void TryAcquire_TwoReplicasOnOneDatabase_ShareTheLimits(string[] before, string next, UntrustedVerdict expected)
    {
        using var storageA = Open();
        using var storageB = Open();
        IUntrustedLimiter[] replicas = [storageA.UntrustedLimiter(), storageB.UntrustedLimiter()];

        var verdicts = before.Select((page, i) => Ask(replicas[i % 2], page)).ToArray();

        Assert.That(verdicts, Is.All.EqualTo(UntrustedVerdict.Allowed));
        Assert.That(Ask(replicas[before.Length % 2], next), Is.EqualTo(expected));
    }

    [Test]
    public async Task TryAcquire_ManyAtOnceOnTwoReplicas_NeverMoreThanTheLimit()
    {
        using var storageA = Open();
        using var storageB = Open();
        IUntrustedLimiter[] replicas = [storageA.UntrustedLimiter(), storageB.UntrustedLimiter()];

        var verdicts = await Task.WhenAll(Enumerable.Range(0, 16).Select(i => Task.Run(() => Ask(replicas[i % 2], $"abuse@example.net|198.51.{i}.7"))));

        Assert.That(verdicts.Count(v => v == UntrustedVerdict.Allowed), Is.EqualTo(5));
    }

    [Test]
    public void TryAcquire_AfterAnHour_AllowedAgainAndOldRowsSwept()
    {
        using var storage = Open();
        var limiter = storage.UntrustedLimiter();
        for (var i = 0; i < 5; i++)
        {
            Assert.That(Ask(limiter, "abuse@example.net|198.51.100.7"), Is.EqualTo(UntrustedVerdict.Allowed));
        }

        Assert.That(Ask(limiter, "abuse@example.net|198.51.100.7"), Is.EqualTo(UntrustedVerdict.SenderLimited));
        Execute("UPDATE mailgate.untrusted_pages SET counted_at = counted_at - interval '1 hour'");

        Assert.That(Ask(limiter, "abuse@example.net|198.51.100.7"), Is.EqualTo(UntrustedVerdict.Allowed));
        Assert.That(Execute("SELECT 1 FROM mailgate.untrusted_pages"), Is.EqualTo(1), "the pages older than an hour were swept");
    }

    [Test]
    public void TryAcquire_DatabaseUnreachable_ThrowsUnavailableNotAVerdict()
    {
        var unreachable = new NpgsqlConnectionStringBuilder(Backend.ConnectionString) { Port = 1, Timeout = 2 }.ConnectionString;
        using var storage = Open();
        using var dataSource = NpgsqlDataSource.Create(unreachable);
        var limiter = new PostgresUntrustedLimiter(dataSource, "postgres://127.0.0.1:1/x");

        Assert.That(() => limiter.TryAcquire("abuse@example.net", "198.51.100.7", Limits), Throws.TypeOf<UntrustedLimitUnavailableException>());
    }

    private static UntrustedVerdict Ask(IUntrustedLimiter limiter, string page)
    {
        var parts = page.Split('|');
        return limiter.TryAcquire(parts[0], parts[1], Limits);
    }

    private int Execute(string sql)
    {
        using var connection = new NpgsqlConnection(Backend.ConnectionString);
        connection.Open();
        using var command = new NpgsqlCommand(sql, connection);
        using var reader = command.ExecuteReader();
        var rows = 0;
        while (reader.Read())
        {
            rows++;
        }

        return reader.RecordsAffected > 0 ? reader.RecordsAffected : rows;
    }
}
