using Npgsql;

namespace MailGate.Storage.Postgres;

/// <summary>
/// Pooled connections that a failure shows to be stuck in a state a new connection would not have. A session's
/// <c>default_transaction_read_only</c> is fixed when it connects (from <c>ALTER DATABASE|ROLE … SET</c>), and a pooled
/// connection to a server that became a standby stays one: without this, every connection opened while the database
/// was read-only kept answering <c>25006 read-only transaction</c> — every message <c>451</c>, <c>/readyz</c> 503 —
/// long after the database took writes again, for as long as traffic kept the connections busy.
/// </summary>
internal static class PostgresSessions
{
    /// <summary>SQLSTATE <c>read_only_sql_transaction</c>: a write in a read-only session or on a standby.</summary>
    public const string ReadOnly = "25006";

    /// <summary>
    /// When <paramref name="failure"/> (or an inner exception) says the session is read-only, clears the pool of
    /// <paramref name="dataSource"/>: idle connections close now, busy ones when they are returned, so the next call
    /// connects afresh and sees the database as it is now.
    /// </summary>
    public static void RecycleIfStuck(NpgsqlDataSource dataSource, Exception failure)
    {
        ArgumentNullException.ThrowIfNull(dataSource);
        for (var e = failure; e is not null; e = e.InnerException)
        {
            if (e is PostgresException { SqlState: ReadOnly })
            {
                dataSource.Clear();
                return;
            }
        }
    }
}
