using MailGate.Core.Decide;
using MailGate.Core.Rules;
using Npgsql;

namespace MailGate.Storage.Postgres;

/// <summary>
/// The untrusted limits counted in PostgreSQL, so that they hold across replicas (<c>Spool:Backend: postgres</c>):
/// one row per counted page in <c>mailgate.untrusted_pages</c> (sender, client network, the database's time), a
/// sliding hour on the database's clock. Each <see cref="TryAcquire"/> is one transaction under one advisory lock
/// (<see cref="LockKey"/>): rows older than the hour are swept, the three counts read, and the page inserted when it
/// fits, so two replicas asking at once never both take the last place.
/// </summary>
/// <remarks>
/// One lock for all keys, since the global bound counts every page: untrusted pages are few (the global bound, 20
/// an hour by default), and the transaction is four short statements. The sender counts case-insensitively, as in
/// memory; a sender PostgreSQL could not store or index (a NUL, over 256 characters) is counted by its hash
/// (<see cref="PostgresText.Key"/>). A page whose decision is not written afterwards (the database went away) stays counted: the message is
/// decided again and counted again, which errs towards fewer untrusted pages.
/// </remarks>
public sealed class PostgresUntrustedLimiter : IUntrustedLimiter
{
    /// <summary>The advisory lock key every replica's limiter takes ("MGUntrst" in ASCII).</summary>
    public const long LockKey = 0x4D47556E74727374;

    private readonly NpgsqlDataSource _dataSource;
    private readonly string _location;

    internal PostgresUntrustedLimiter(NpgsqlDataSource dataSource, string location)
    {
        _dataSource = dataSource;
        _location = location;
    }

    /// <inheritdoc/>
    /// <exception cref="UntrustedLimitUnavailableException">PostgreSQL cannot be reached or refused: nothing was counted; decide the message later.</exception>
    public UntrustedVerdict TryAcquire(string sender, string? clientAddress, UntrustedTreatment limits)
    {
        ArgumentNullException.ThrowIfNull(sender);
        ArgumentNullException.ThrowIfNull(limits);
        var senderKey = PostgresText.Key(sender.ToUpperInvariant());
        var network = ClientNetwork.Of(clientAddress);
        try
        {
            using var connection = _dataSource.OpenConnection();
            using var tx = connection.BeginTransaction();
            using (var lockCommand = new NpgsqlCommand("SELECT pg_advisory_xact_lock($1)", connection, tx))
            {
                lockCommand.Parameters.AddWithValue(LockKey);
                lockCommand.ExecuteNonQuery();
            }

            DateTime now;
            UntrustedVerdict verdict;
            using (var count = new NpgsqlCommand(
                "WITH t AS (SELECT clock_timestamp() AS now), "
                + "swept AS (DELETE FROM mailgate.untrusted_pages WHERE counted_at <= (SELECT now FROM t) - interval '1 hour') "
                + "SELECT (SELECT now FROM t), count(*) FILTER (WHERE sender = $1)::int, count(*) FILTER (WHERE network = $2)::int, count(*)::int "
                + "FROM mailgate.untrusted_pages WHERE counted_at > (SELECT now FROM t) - interval '1 hour'",
                connection,
                tx))
            {
                count.Parameters.AddWithValue(senderKey);
                count.Parameters.AddWithValue(network);
                using var reader = count.ExecuteReader();
                reader.Read();
                now = reader.GetDateTime(0);
                verdict = UntrustedCounts.Verdict(reader.GetInt32(1), reader.GetInt32(2), reader.GetInt32(3), limits);
            }

            if (verdict == UntrustedVerdict.Allowed)
            {
                using var insert = new NpgsqlCommand("INSERT INTO mailgate.untrusted_pages (sender, network, counted_at) VALUES ($1, $2, $3)", connection, tx);
                insert.Parameters.AddWithValue(senderKey);
                insert.Parameters.AddWithValue(network);
                insert.Parameters.AddWithValue(now);
                insert.ExecuteNonQuery();
            }

            tx.Commit();
            return verdict;
        }
        catch (Exception e) when (e is NpgsqlException or InvalidOperationException)
        {
            PostgresSessions.RecycleIfStuck(_dataSource, e);
            throw new UntrustedLimitUnavailableException($"the untrusted limits in PostgreSQL at {_location} cannot be counted now: {e.Message}", e);
        }
    }
}
