using MailGate.Core.Coverage;
using MailGate.Core.Decide;
using MailGate.Core.Messages;
using MailGate.Core.Parse;
using MailGate.Core.Storage;
using Microsoft.Extensions.Logging;

namespace MailGate.Coverage;

/// <summary>
/// Recognises coverage probes in received mail before the rules (issue #15; the decision itself is
/// <see cref="ProbeRecognizer"/>, pure). A valid, new probe has its arrival written to the storage's cursor
/// document <c>arrived-{account}</c> (any replica may receive it) and is finished without the rules: never
/// paged, not counted as a decision. A forged, expired or replayed token is logged and counted, and the mail
/// goes on to the rules as ordinary mail. With no probe key (coverage off) nothing is recognised.
/// </summary>
/// <param name="cursors">The storage's cursor documents (store <see cref="CoverageDocuments.Store"/>).</param>
/// <param name="metrics">Counts each message carrying a token by result.</param>
/// <param name="time">When a probe is decided (<see cref="ProcessingState.DecidedAt"/>); its arrival time is the acceptance's.</param>
/// <param name="logger">One line per message carrying a token.</param>
/// <param name="probeKey">The probe key; absent or null when coverage is off.</param>
/// <param name="coverage">Records each valid probe's latency (<c>mailgate_coverage_probe_latency_seconds</c>); absent in hosts without coverage's watch.</param>
internal sealed class ProbeReceiver(IPollerCursors cursors, ProbeReceiverMetrics metrics, TimeProvider time, ILogger<ProbeReceiver> logger, IProbeKey? probeKey = null, CoverageMetrics? coverage = null)
{
    private readonly Lock _lock = new();
    private ICursorDocuments? _arrivals;

    /// <summary>Whether probes are recognised at all (a probe key is configured).</summary>
    public bool Enabled => probeKey?.Key is not null;

    /// <summary>Recognises <paramref name="message"/> as a probe, recording its arrival.</summary>
    /// <param name="message">The spool entry (mail; other origins are never probes).</param>
    /// <param name="facts">Its facts, parsed and verified.</param>
    /// <returns>The final state of a valid probe (nothing to deliver: the message is done); null for anything else, which the rules decide.</returns>
    /// <exception cref="IOException">The arrival could not be read or written: the message stays undecided and is taken up again.</exception>
    /// <exception cref="UnauthorizedAccessException">The file spool may not be written: as <see cref="IOException"/>.</exception>
    public ProcessingState? TryReceive(StoredMessage message, MessageFacts facts)
    {
        ArgumentNullException.ThrowIfNull(message);
        ArgumentNullException.ThrowIfNull(facts);
        if (probeKey is not { Key: { } key } || message.Envelope.Origin is not MailOrigin ||
            ProbeRecognizer.Check(facts, key.Span, probeKey.MaxAge) is not { } check)
        {
            return null;
        }

        var recognition = Record(message.Id, facts, check);
        metrics.Received(recognition.Label);
        if (recognition.Arrival is not { } arrival)
        {
            Log.ProbeRefused(logger, message.Id, recognition.Label, Shown(check.AccountId), Shown(check.ProbeId));
            return null;
        }

        Log.ProbeArrived(logger, message.Id, arrival.AccountId, arrival.ProbeId, arrival.Latency, Path(arrival), arrival.ArcVerified);
        coverage?.ProbeArrived(arrival.Latency);
        return new ProcessingState
        {
            DecidedAt = time.GetUtcNow(),
            MessageId = facts.MessageId,
            Sender = facts.Sender,
            Subject = facts.Subject,
            Authentication = facts.Authentication.ToString(),
            Account = arrival.AccountId,
            Probe = $"coverage probe {arrival.ProbeId} for account {arrival.AccountId}, sent {arrival.SentAt:O}: recorded, not paged",
        };
    }

    /// <summary>Judges the token against the account's arrival and writes the new one, under one lock (two copies of one probe in this process: one is the replay).</summary>
    private ProbeRecognition Record(string spoolId, MessageFacts facts, ProbeTokenCheck check)
    {
        lock (_lock)
        {
            var arrivals = _arrivals ??= cursors.Cursors(CoverageDocuments.Store);
            try
            {
                var previous = check.Verdict == ProbeTokenVerdict.Valid ? Previous(arrivals, check.AccountId) : null;
                var recognition = ProbeRecognizer.Recognize(facts, check, previous);
                if (recognition.Arrival is { } arrival)
                {
                    arrivals.Write(CoverageDocuments.ArrivedKey(arrival.AccountId), CoverageDocuments.Write(arrival));
                }

                return recognition;
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                Log.ProbeArrivalFailed(logger, e, spoolId, check.AccountId, arrivals.Location);
                throw;
            }
        }
    }

    /// <summary>The account's recorded arrival; null when none, or when the document is not one (it is then replaced).</summary>
    private static ProbeArrival? Previous(ICursorDocuments arrivals, string accountId) =>
        CoverageDocuments.ReadOrReplace<ProbeArrival>(arrivals.Read(CoverageDocuments.ArrivedKey(accountId)), out _);

    /// <summary>The path for the log line: List-Ids, then envelope recipients, then <c>X-Original-To</c>.</summary>
    private static string Path(ProbeArrival arrival)
    {
        var lists = arrival.ListIds.Count > 0 ? "list " + string.Join(" > ", arrival.ListIds) : "no List-Id";
        var to = arrival.OriginalTo is { } original ? $"; X-Original-To {original}" : "";
        return $"{lists}; to {string.Join(", ", arrival.Recipients)}{to}";
    }

    private static string Shown(string value) => value.Length > 0 ? value : "(none)";
}
