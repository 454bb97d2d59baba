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
    /// The first statement of a relaxed write's batch: <c>synchronous_commit = off</c> for this transaction only
    /// (<c>set_config(…, true)</c>; a batch is one implicit transaction, committed at its end). See <c>docs/replicas.md</c>,
    /// "Fewer disk flushes per message", for the writes that use it and why each is safe to redo after a database crash.
    /// </summary>
    private const string AsynchronousCommit = "SELECT set_config('synchronous_commit', 'off', true)";

    /// <summary>
    /// Runs <paramref name="sql"/> as a write whose commit does not wait for the WAL flush (one round trip): visible to
    /// every session at once, durable within ~3 × <c>wal_writer_delay</c> or with the next synchronous commit of
    /// anyone; lost only if the database server crashes first. Returns the rows it affected.
    /// </summary>
    private int ExecuteRelaxed(string sql, params object[] parameters) => Run(connection =>
    {
        using var batch = RelaxedBatch(connection, sql, parameters);
        batch.ExecuteNonQuery();
        return batch.BatchCommands[1].RecordsAffected;
    });

    /// <summary>As <see cref="ExecuteRelaxed"/>, for a statement that returns rows (<c>RETURNING</c>).</summary>
    private List<T> RowsRelaxed<T>(string sql, object[] parameters, Func<NpgsqlDataReader, T> read) => Run(connection =>
    {
        using var batch = RelaxedBatch(connection, sql, parameters);
        using var reader = batch.ExecuteReader();
        reader.NextResult(); // past set_config's row
        var rows = new List<T>();
        while (reader.Read())
        {
            rows.Add(read(reader));
        }

        return rows;
    });

    private static NpgsqlBatch RelaxedBatch(NpgsqlConnection connection, string sql, object[] parameters)
    {
        var batch = new NpgsqlBatch(connection);
        batch.BatchCommands.Add(new NpgsqlBatchCommand(AsynchronousCommit));
        var command = new NpgsqlBatchCommand(sql);
        foreach (var parameter in parameters)
        {
            command.Parameters.Add(new NpgsqlParameter { Value = parameter });
        }

        batch.BatchCommands.Add(command);
        return batch;
    }

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
