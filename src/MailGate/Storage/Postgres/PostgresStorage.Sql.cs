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
