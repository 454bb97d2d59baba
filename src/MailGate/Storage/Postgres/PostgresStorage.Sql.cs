using Npgsql;

namespace MailGate.Storage.Postgres;

/// <summary>The SQL plumbing: one pooled connection per call, database errors as <see cref="IOException"/>.</summary>
public sealed partial class PostgresStorage
{
    private static NpgsqlCommand Command(NpgsqlConnection connection, string sql, object[] parameters, NpgsqlTransaction? tx = null)
    {
        var command = new NpgsqlCommand(sql, connection, tx);
        foreach (var parameter in parameters)
        {
            command.Parameters.AddWithValue(parameter);
        }

        return command;
    }

    private int Execute(string sql, params object[] parameters) => Run(connection =>
    {
        using var command = Command(connection, sql, parameters);
        return command.ExecuteNonQuery();
    });

    private T? Scalar<T>(string sql, params object[] parameters) => Run(connection =>
    {
        using var command = Command(connection, sql, parameters);
        var value = command.ExecuteScalar();
        return value is null or DBNull ? default : (T)value;
    });

    private (bool Found, T? Value) Row<T>(string sql, object[] parameters, Func<NpgsqlDataReader, T> read) => Run(connection =>
    {
        using var command = Command(connection, sql, parameters);
        using var reader = command.ExecuteReader();
        return reader.Read() ? (true, read(reader)) : (false, default(T));
    });

    private List<T> Rows<T>(string sql, object[] parameters, Func<NpgsqlDataReader, T> read) => Run(connection =>
    {
        using var command = Command(connection, sql, parameters);
        using var reader = command.ExecuteReader();
        var rows = new List<T>();
        while (reader.Read())
        {
            rows.Add(read(reader));
        }

        return rows;
    });

    /// <summary>
    /// Runs <paramref name="sql"/> in a transaction whose commit does not wait for the WAL flush
    /// (<c>SET LOCAL synchronous_commit = off</c>): visible to every session at once, durable within ~3 ×
    /// <c>wal_writer_delay</c> or with the next synchronous commit of anyone; lost only if the database server crashes
    /// first. See <c>docs/replicas.md</c>, "Fewer disk flushes per message", for the writes that use it. Returns the
    /// rows it affected.
    /// </summary>
    private int ExecuteRelaxed(string sql, params object[] parameters) => Relaxed(sql, parameters, command => command.ExecuteNonQuery());

    /// <summary>As <see cref="ExecuteRelaxed"/>, for a statement that returns rows (<c>RETURNING</c>).</summary>
    private List<T> RowsRelaxed<T>(string sql, object[] parameters, Func<NpgsqlDataReader, T> read) => Relaxed(sql, parameters, command =>
    {
        using var reader = command.ExecuteReader();
        var rows = new List<T>();
        while (reader.Read())
        {
            rows.Add(read(reader));
        }

        return rows;
    });

    private T Relaxed<T>(string sql, object[] parameters, Func<NpgsqlCommand, T> work) => Run(connection =>
    {
        using var tx = connection.BeginTransaction();
        using (var relax = Command(connection, "SET LOCAL synchronous_commit = off", [], tx))
        {
            relax.ExecuteNonQuery();
        }

        using var command = Command(connection, sql, parameters, tx);
        var result = work(command);
        tx.Commit();
        return result;
    });

    private T Run<T>(Func<NpgsqlConnection, T> work)
    {
        ThrowIfNotOpen();
        try
        {
            using var connection = _dataSource.OpenConnection();
            return work(connection);
        }
        catch (NpgsqlException e)
        {
            PostgresSessions.RecycleIfStuck(_dataSource, e);
            throw Failure(e);
        }
    }
}
