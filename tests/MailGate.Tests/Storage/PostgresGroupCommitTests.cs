using MailGate.Core.Messages;
using MailGate.Core.Storage;
using MailGate.Storage.Postgres;
using MailGate.Tests.Shared;
using Npgsql;
using System.Collections.Concurrent;

namespace MailGate.Tests.Storage;

/// <summary>
/// Group commit in the PostgreSQL backend (<see cref="PostgresGroupCommitter"/>): commits arriving while a batch is in
/// flight share the next transaction (seen in the rows' <c>xmin</c>, the id of the transaction that wrote them); a
/// failed batch fails every caller and commits none of them; a caller cancelled while queued is never written.
/// </summary>
[TestFixture]
public sealed class PostgresGroupCommitTests
{
    private static readonly TimeSpan Guard = TimeSpan.FromSeconds(30);
    private PostgresTestBackend _backend = null!;
    private PostgresStorage _storage = null!;
    private TaskCompletionSource _firstBatchEntered = null!;
    private TaskCompletionSource _releaseFirstBatch = null!;
    private ConcurrentQueue<int> _batchSizes = null!;

    [SetUp]
    public void Open()
    {
        _backend = new PostgresTestBackend();
        _storage = PostgresStorage.Open(_backend.ConnectionString, owner: true, TimeSpan.FromSeconds(30));
        _firstBatchEntered = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        _releaseFirstBatch = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        _batchSizes = new ConcurrentQueue<int>();
    }

    [TearDown]
    public void Close()
    {
        _releaseFirstBatch.TrySetResult();
        _storage.Dispose();
        _backend.Dispose();
    }

    [Test]
    public async Task CommitsArrivingWhileOneIsInFlight_ShareOneTransaction()
    {
        HoldFirstBatch(later: (_, _) => Task.CompletedTask);
        var first = await StartFirstAndWaitUntilInFlight();
        var rest = Enumerable.Range(1, 20).Select(i => Commit(i, CancellationToken.None)).ToList();
        _releaseFirstBatch.SetResult();

        var committed = await Task.WhenAll(rest.Prepend(first)).WaitAsync(Guard);

        Assert.That(_batchSizes, Is.EqualTo(new[] { 1, 20 }), "the 20 queued behind the first batch went in one");
        Assert.That(_storage.GroupCommitBatches, Is.EqualTo(2));
        Assert.That(DistinctWriters(committed.Skip(1)), Is.EqualTo(1), "the 20 rows were written by one transaction");
        Assert.That(DistinctWriters(committed), Is.EqualTo(2));
        Assert.That(Rows(), Is.EqualTo(21));
        Assert.That(committed.Select(m => m.Id).Distinct().Count(), Is.EqualTo(21));
    }

    [Test]
    public async Task ABatchThatFails_FailsEveryCallerAndCommitsNone_ThenTheNextBatchCommits()
    {
        // The second batch's connection dies inside its transaction, after the inserts, before the COMMIT.
        HoldFirstBatch(later: async (connection, size) =>
        {
            if (size == 20)
            {
                await using var kill = new NpgsqlCommand("SELECT pg_terminate_backend(pg_backend_pid())", connection);
                await kill.ExecuteNonQueryAsync();
            }
        });
        var first = await StartFirstAndWaitUntilInFlight();
        var doomed = Enumerable.Range(1, 20).Select(i => Commit(i, CancellationToken.None)).ToList();
        _releaseFirstBatch.SetResult();

        await first.WaitAsync(Guard);
        foreach (var commit in doomed)
        {
            Assert.That(async () => await commit.WaitAsync(Guard), Throws.InstanceOf<IOException>());
        }

        Assert.That(Rows(), Is.EqualTo(1), "none of the failed batch's messages was committed");
        Assert.That(_storage.GroupCommitBatches, Is.EqualTo(1));

        var after = await Commit(30, CancellationToken.None).WaitAsync(Guard);
        Assert.That(Rows(), Is.EqualTo(2));
        Assert.That(_storage.ReadState(after), Is.Not.Null, "the storage commits again after a failed batch");
    }

    [Test]
    public async Task ACallerCancelledWhileQueued_IsNeverWritten_OthersInItsBatchCommit()
    {
        HoldFirstBatch(later: (_, _) => Task.CompletedTask);
        var first = await StartFirstAndWaitUntilInFlight();
        using var cancel = new CancellationTokenSource();
        var cancelled = Commit(1, cancel.Token);
        var kept = Commit(2, CancellationToken.None);
        await cancel.CancelAsync();
        _releaseFirstBatch.SetResult();

        Assert.That(async () => await cancelled.WaitAsync(Guard), Throws.InstanceOf<OperationCanceledException>());
        await Task.WhenAll(first, kept).WaitAsync(Guard);
        Assert.That(_batchSizes, Is.EqualTo(new[] { 1, 1 }));
        Assert.That(Rows(), Is.EqualTo(2));
    }

    [Test]
    public void ACallerCancelledBeforeItCommits_IsNeverWritten()
    {
        using var cancel = new CancellationTokenSource();
        cancel.Cancel();
        Assert.That(async () => await Commit(1, cancel.Token), Throws.InstanceOf<OperationCanceledException>());
        Assert.That(Rows(), Is.EqualTo(0));
        Assert.That(_storage.GroupCommitBatches, Is.EqualTo(0));
    }

    private static Envelope Mail(int second) =>
        Envelope.ForMail("bounce@example.com", ["aws-abuse@mailgate.example.com"], new DateTimeOffset(2026, 11, 28, 12, 0, second, TimeSpan.Zero), "192.0.2.1", "s");

    private Task<StoredMessage> Commit(int i, CancellationToken cancellationToken) =>
        _storage.CommitAsync(Mail(i), Segments.Of($"Subject: {i}"), cancellationToken);

    /// <summary>The first batch waits in its transaction until the test releases it; later batches run <paramref name="later"/>.</summary>
    private void HoldFirstBatch(Func<NpgsqlConnection, int, Task> later) =>
        _storage.GroupCommit.BeforeCommit = async (connection, size) =>
        {
            _batchSizes.Enqueue(size);
            if (_firstBatchEntered.TrySetResult())
            {
                await _releaseFirstBatch.Task;
                return;
            }

            await later(connection, size);
        };

    private async Task<Task<StoredMessage>> StartFirstAndWaitUntilInFlight()
    {
        var first = Commit(0, CancellationToken.None);
        await _firstBatchEntered.Task.WaitAsync(Guard);
        return first;
    }

    private long Rows() => Scalar("SELECT count(*) FROM mailgate.messages", []);

    private long DistinctWriters(IEnumerable<StoredMessage> messages) =>
        Scalar("SELECT count(DISTINCT xmin::text) FROM mailgate.messages WHERE id = ANY($1)", messages.Select(m => m.Id).ToArray());

    private long Scalar(string sql, string[] ids)
    {
        using var connection = new NpgsqlConnection(_backend.ConnectionString);
        connection.Open();
        using var command = new NpgsqlCommand(sql, connection);
        if (sql.Contains("$1", StringComparison.Ordinal))
        {
            command.Parameters.AddWithValue(ids);
        }

        return (long)command.ExecuteScalar()!;
    }
}
