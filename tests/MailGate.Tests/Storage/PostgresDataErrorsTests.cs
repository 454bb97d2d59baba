using MailGate.Storage.Postgres;
using Npgsql;

namespace MailGate.Tests.Storage;

/// <summary>Which PostgreSQL errors are one message's data refused (its failure) and which an unavailable database (wait and retry).</summary>
[TestFixture]
public sealed class PostgresDataErrorsTests
{
    [TestCase("22021", true, TestName = "22021 a NUL byte or invalid UTF-8 in text")]
    [TestCase("22001", true, TestName = "22001 a value too long for its column")]
    [TestCase("23505", true, TestName = "23505 a unique violation")]
    [TestCase("54000", true, TestName = "54000 an index row too large")]
    [TestCase("25006", false, TestName = "25006 a read-only session: the database, not the data")]
    [TestCase("57P01", false, TestName = "57P01 the server shutting down")]
    [TestCase("08006", false, TestName = "08006 a connection failure")]
    [TestCase("53300", false, TestName = "53300 too many connections")]
    [TestCase("40001", false, TestName = "40001 a serialization failure")]
    [TestCase("22", false, TestName = "a class without its code is not a SQLSTATE")]
    [TestCase("", false, TestName = "empty")]
    [TestCase(null, false, TestName = "none")]
    public void IsDataRefusal(string? sqlState, bool expected) =>
        Assert.That(PostgresDataErrors.IsDataRefusal(sqlState), Is.EqualTo(expected));

    [Test]
    public void Refusal_FoundThroughInnerExceptions_NullForAnOutage()
    {
        var refused = new PostgresException("invalid byte sequence for encoding \"UTF8\": 0x00", "ERROR", "ERROR", "22021");
        Assert.That(PostgresDataErrors.Refusal(new InvalidOperationException("wrapped", refused)), Is.SameAs(refused));
        Assert.That(PostgresDataErrors.Refusal(new NpgsqlException("connection refused", new IOException("refused"))), Is.Null);
        Assert.That(PostgresDataErrors.Refusal(new PostgresException("terminating connection", "FATAL", "FATAL", "57P01")), Is.Null);
    }
}
