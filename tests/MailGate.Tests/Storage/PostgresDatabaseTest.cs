using MailGate.Storage.Postgres;

namespace MailGate.Tests.Storage;

/// <summary>A fixture whose every test has a database of its own (<see cref="PostgresTestBackend"/>), dropped after it.</summary>
public abstract class PostgresDatabaseTest
{
    /// <summary>The lease the tests' owners take (the default <c>Spool:LeaseDuration</c>).</summary>
    private protected static readonly TimeSpan Lease = TimeSpan.FromSeconds(30);

    private protected PostgresTestBackend Backend { get; private set; } = null!;

    [SetUp]
    public void CreateDatabase() => Backend = new PostgresTestBackend();

    [TearDown]
    public void DropDatabase() => Backend.Dispose();

    /// <summary>Opens the test database as an owner (<paramref name="owner"/>) or a shared view.</summary>
    private protected PostgresStorage Open(bool owner = true) => PostgresStorage.Open(Backend.ConnectionString, owner, Lease);
}
