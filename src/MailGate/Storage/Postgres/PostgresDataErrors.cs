using Npgsql;

namespace MailGate.Storage.Postgres;

/// <summary>
/// Tells the database refusing one message's data from the database being unavailable. A refusal of the data
/// (SQLSTATE class <c>22</c> data exception, e.g. <c>22021</c> a NUL byte in text; <c>23</c> integrity constraint
/// violation; <c>54</c> program limit exceeded, e.g. <c>54000</c> an index row too large) happens again on every
/// retry: treating it as an outage would keep that message undecided forever. It is that message's failure, counted
/// and dead-lettered like any other. Source: PostgreSQL manual, Appendix A "PostgreSQL Error Codes".
/// </summary>
internal static class PostgresDataErrors
{
    /// <summary>True when <paramref name="sqlState"/> (five characters) is in class 22, 23 or 54.</summary>
    public static bool IsDataRefusal(string? sqlState) =>
        sqlState is { Length: 5 } && (sqlState.StartsWith("22", StringComparison.Ordinal) || sqlState.StartsWith("23", StringComparison.Ordinal) || sqlState.StartsWith("54", StringComparison.Ordinal));

    /// <summary>The <see cref="PostgresException"/> in <paramref name="failure"/>'s chain that refused the data, or null.</summary>
    public static PostgresException? Refusal(Exception failure)
    {
        for (var e = failure; e is not null; e = e.InnerException)
        {
            if (e is PostgresException postgres && IsDataRefusal(postgres.SqlState))
            {
                return postgres;
            }
        }

        return null;
    }
}
