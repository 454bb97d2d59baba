using System.Collections.Concurrent;
using System.Text;
using MailGate.Core.Coverage;
using MailGate.Core.Storage;
using MailGate.Coverage;
using MimeKit;

namespace MailGate.Tests.Coverage;

/// <summary>Cursor documents in memory (the store's contract: a document per key, replaced whole).</summary>
internal sealed class MemoryDocuments : ICursorDocuments
{
    private readonly ConcurrentDictionary<string, byte[]> _documents = new(StringComparer.Ordinal);

    public string Location => "memory";

    public byte[]? Read(string key) => _documents.TryGetValue(key, out var document) ? document : null;

    public void Write(string key, ReadOnlySpan<byte> document) => _documents[key] = document.ToArray();

    public IReadOnlyList<string> Keys() => [.. _documents.Keys.Order(StringComparer.Ordinal)];

    public ProbeSent? Sent(string account) => CoverageDocuments.Read<ProbeSent>(Read(CoverageDocuments.SentKey(account)));
}

/// <summary>The alerts raised, in order (instead of the spool).</summary>
internal sealed class CollectedAlerts : ICoverageAlerts
{
    private readonly ConcurrentQueue<CoverageAlert> _alerts = new();

    public IReadOnlyList<CoverageAlert> All => [.. _alerts];

    public Task<string> RaiseAsync(CoverageAlert alert, string subject, CancellationToken cancellationToken)
    {
        _alerts.Enqueue(alert);
        return Task.FromResult("alert-" + _alerts.Count);
    }
}

/// <summary>A fixed key for tests.</summary>
internal sealed class TestProbeKey : IProbeKey
{
    public static readonly byte[] Bytes = Encoding.UTF8.GetBytes("coverage-test-key-0123456789");

    public ReadOnlyMemory<byte>? Key => Bytes;

    public TimeSpan MaxAge => TimeSpan.FromHours(3);
}

/// <summary>
/// Stands in for the receiving side (i15-core's recognition, not on this branch): takes what the relay delivers, verifies
/// the token from the subject and records the arrival as the receiver of a valid probe does.
/// </summary>
internal static class SimulatedReceiver
{
    public static Func<MimeMessage, Task> Into(MemoryDocuments documents, TimeProvider time) => message =>
    {
        var token = ProbeToken.Find(message.Headers[ProbeToken.HeaderName]) ?? ProbeToken.Find(message.Subject);
        var check = ProbeToken.Verify(TestProbeKey.Bytes, token ?? "", time.GetUtcNow(), TimeSpan.FromHours(3));
        if (check.Verdict == ProbeTokenVerdict.Valid)
        {
            var arrival = new ProbeArrival
            {
                AccountId = check.AccountId,
                ProbeId = check.ProbeId,
                SentAt = check.SentAt,
                ArrivedAt = time.GetUtcNow(),
                ListIds = [.. message.Headers.Where(h => h.Field == "List-Id").Select(h => h.Value.Trim())],
                Recipients = ["mailgate@gateway.test"],
                OriginalTo = message.Headers["X-Original-To"],
            };
            documents.Write(CoverageDocuments.ArrivedKey(check.AccountId), CoverageDocuments.Write(arrival));
        }

        return Task.CompletedTask;
    };
}
