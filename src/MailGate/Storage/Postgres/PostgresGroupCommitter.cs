using MailGate.Core.Messages;
using MailGate.Core.Spool;
using MailGate.Core.Storage;
using Npgsql;
using System.Buffers;
using System.Threading.Channels;

namespace MailGate.Storage.Postgres;

/// <summary>
/// Group commit for the PostgreSQL backend: many SMTP sessions finishing DATA at once share one transaction (one
/// <c>INSERT</c> per message in one batch, then one <c>COMMIT</c>: two round trips and one WAL flush for the whole
/// batch) instead of a connection and a commit each.
/// </summary>
/// <remarks>
/// <para>Each caller queues its message here. One loop takes every message queued so far (at most
/// <see cref="MaxMessages"/>, or <see cref="MaxBytes"/> of content after the first), inserts them all in one
/// transaction, commits it and only then completes the callers' tasks, which answer 250. While a batch is in flight
/// the next one gathers, so the cost per message falls as load rises; a lone message waits for nobody. This is the
/// shape of the file spool's <c>GroupCommitter</c>, with PostgreSQL's <c>COMMIT</c> in place of <c>syncfs</c>.</para>
/// <para>A batch commits whole or not at all: when any statement or the <c>COMMIT</c> fails, the transaction is
/// rolled back (or never committed: the server drops it with the connection) and every caller of the batch gets the
/// failure. With <c>synchronous_commit=on</c> (PostgreSQL's default) a completed task means the batch's WAL is flushed
/// on the primary; with a synchronous standby, also there (see docs/replicas.md).</para>
/// <para>Cancellation: a caller cancelled while its message still waits in the queue is taken out (its task is
/// cancelled, its message never written). Once its batch has been taken the cancel is ignored and the caller waits
/// for the <c>COMMIT</c>: a cancel racing the server's commit could otherwise report a failure for a message that was
/// committed.</para>
/// </remarks>
internal sealed class PostgresGroupCommitter : IDisposable
{
    /// <summary>The most messages one transaction takes.</summary>
    public const int MaxMessages = 256;

    /// <summary>The most content bytes one transaction takes after its first message (16 MiB).</summary>
    public const long MaxBytes = 16L * 1024 * 1024;

    private const string InsertSql =
        "INSERT INTO mailgate.messages (id, area, content, envelope, lease_owner, lease_expires) VALUES ($1, 'active', $2, $3, $4, now() + $5) ON CONFLICT (id) DO NOTHING";

    private readonly NpgsqlDataSource _dataSource;
    private readonly Guid _owner;
    private readonly TimeSpan _lease;
    private readonly Channel<Pending> _queue = Channel.CreateUnbounded<Pending>(new UnboundedChannelOptions { SingleReader = true });
    private readonly Task _loop;
    private long _batches;

    /// <param name="dataSource">Where the messages go (<c>mailgate.messages</c>).</param>
    /// <param name="owner">The lease owner the new rows are claimed by.</param>
    /// <param name="lease">How long that first claim lasts.</param>
    public PostgresGroupCommitter(NpgsqlDataSource dataSource, Guid owner, TimeSpan lease)
    {
        _dataSource = dataSource;
        _owner = owner;
        _lease = lease;
        _loop = Task.Run(RunAsync);
    }

    /// <summary>How many transactions committed batches so far (for tests and diagnostics).</summary>
    public long Batches => Interlocked.Read(ref _batches);

    /// <summary>
    /// Test hook: runs in each batch's transaction after its inserts and before its <c>COMMIT</c>, with the
    /// connection and the batch's size; whatever it throws fails the batch.
    /// </summary>
    public Func<NpgsqlConnection, int, Task>? BeforeCommit { get; set; }

    /// <summary>Queues one message; completes with its id once the transaction holding it has committed.</summary>
    /// <param name="envelope">The message's envelope (its arrival dates the id).</param>
    /// <param name="content">The bytes to store, read (not copied) while the batch is written: unchanged until the task completes.</param>
    /// <param name="appendCrlf">Whether a CRLF is stored after <paramref name="content"/>.</param>
    /// <param name="cancellationToken">Takes the message out while it still waits in the queue.</param>
    /// <exception cref="ObjectDisposedException">The storage is closed.</exception>
    public Task<string> CommitAsync(Envelope envelope, ReadOnlySequence<byte> content, bool appendCrlf, CancellationToken cancellationToken)
    {
        var pending = new Pending(envelope, content, appendCrlf);
        if (cancellationToken.CanBeCanceled)
        {
            pending.Registration = cancellationToken.Register(static p => ((Pending)p!).Cancel(), pending);
        }

        if (!_queue.Writer.TryWrite(pending))
        {
            pending.Registration.Dispose();
            throw new ObjectDisposedException(nameof(PostgresStorage));
        }

        return pending.Done.Task;
    }

    /// <summary>Stops taking messages, commits those already queued (waits up to 10 s) and stops the loop.</summary>
    public void Dispose()
    {
        _queue.Writer.TryComplete();
        _ = _loop.Wait(TimeSpan.FromSeconds(10));
    }

    private async Task RunAsync()
    {
        var batch = new List<Pending>();
        while (await _queue.Reader.WaitToReadAsync().ConfigureAwait(false))
        {
            batch.Clear();
            long bytes = 0;
            while (batch.Count < MaxMessages && (batch.Count == 0 || bytes < MaxBytes) && _queue.Reader.TryRead(out var next))
            {
                if (next.Take())
                {
                    batch.Add(next);
                    bytes += next.Length;
                }
            }

            if (batch.Count > 0)
            {
                await FlushAsync(batch).ConfigureAwait(false);
            }
        }
    }

    private async Task FlushAsync(List<Pending> batch)
    {
        try
        {
            await using var connection = await _dataSource.OpenConnectionAsync(CancellationToken.None).ConfigureAwait(false);
            await using var transaction = await connection.BeginTransactionAsync(CancellationToken.None).ConfigureAwait(false);
            var todo = batch;
            while (todo.Count > 0)
            {
                // An id already taken (vanishingly rare: ids carry randomness) gets a new one, in the same transaction.
                await using var insert = new NpgsqlBatch(connection, transaction);
                foreach (var pending in todo)
                {
                    pending.Id = SpoolIds.New(pending.Envelope.ReceivedAt);
                    var command = new NpgsqlBatchCommand(InsertSql);
                    command.Parameters.Add(new NpgsqlParameter { Value = pending.Id });
                    command.Parameters.Add(new NpgsqlParameter { Value = pending.OpenContent() });
                    command.Parameters.Add(new NpgsqlParameter { Value = pending.EnvelopeJson });
                    command.Parameters.Add(new NpgsqlParameter { Value = _owner });
                    command.Parameters.Add(new NpgsqlParameter { Value = _lease });
                    insert.BatchCommands.Add(command);
                }

                await insert.ExecuteNonQueryAsync(CancellationToken.None).ConfigureAwait(false);
                todo = [.. todo.Where((_, i) => insert.BatchCommands[i].RecordsAffected != 1)];
            }

            if (BeforeCommit is { } hook)
            {
                await hook(connection, batch.Count).ConfigureAwait(false);
            }

            await transaction.CommitAsync(CancellationToken.None).ConfigureAwait(false);
        }
#pragma warning disable CA1031 // Whatever failed, every waiting session must get an answer (it becomes 451).
        catch (Exception e)
#pragma warning restore CA1031
        {
            PostgresSessions.RecycleIfStuck(_dataSource, e);
            var failure = e is NpgsqlException or InvalidOperationException or TimeoutException
                ? new IOException($"PostgreSQL: the commit of {batch.Count} message(s) failed: {e.Message}", e)
                : e;
            batch.ForEach(p => p.Fail(failure));
            return;
        }

        Interlocked.Increment(ref _batches);
        batch.ForEach(p => p.Succeed());
    }

    private sealed class Pending(Envelope envelope, ReadOnlySequence<byte> content, bool appendCrlf)
    {
        private const int Queued = 0, Taken = 1, Cancelled = 2;
        private int _state;

        public Envelope Envelope { get; } = envelope;

        /// <summary>The bytes stored: the content and the CRLF, if any.</summary>
        public long Length => content.Length + (appendCrlf ? 2 : 0);

        public string EnvelopeJson { get; } = System.Text.Encoding.UTF8.GetString(SpoolDocuments.EnvelopeJson(envelope));

        public string Id { get; set; } = "";

        public CancellationTokenRegistration Registration { get; set; }

        public TaskCompletionSource<string> Done { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        /// <summary>Takes the message into a batch, unless it was cancelled first.</summary>
        public bool Take() => Interlocked.CompareExchange(ref _state, Taken, Queued) == Queued;

        /// <summary>A new stream over the bytes to store (each attempt at the insert reads its own).</summary>
        public ContentStream OpenContent() => new(content, appendCrlf);

        public void Cancel()
        {
            if (Interlocked.CompareExchange(ref _state, Cancelled, Queued) == Queued)
            {
                Done.TrySetCanceled();
            }
        }

        public void Succeed()
        {
            Registration.Dispose();
            Done.TrySetResult(Id);
        }

        public void Fail(Exception e)
        {
            Registration.Dispose();
            Done.TrySetException(e);
        }
    }
}
