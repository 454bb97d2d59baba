using System.Buffers.Binary;
using System.Collections.Concurrent;
using System.Security.Cryptography;
using System.Text;
using MailGate.Core.Coverage;
using MailGate.Core.Storage;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace MailGate.Coverage;

/// <summary>
/// One check of the coverage leader, over every target: sends the probes that are due (<see cref="IsDue"/>), then
/// evaluates each account (<see cref="CoverageStates.Evaluate"/>) and pages on a change (<see cref="CoverageDeadlines"/>).
/// Writes only <c>sent-{account}</c>; reads <c>arrived-{account}</c>.
/// </summary>
internal sealed partial class CoverageRound(
    ICursorDocuments documents,
    IProbeSender sender,
    ICoverageAlerts alerts,
    IProbeKey probeKey,
    IOptions<CoverageOptions> options,
    TimeProvider time,
    ILogger<CoverageRound> logger)
{
    private readonly ConcurrentDictionary<string, CoverageState> _states = new(StringComparer.Ordinal);

    /// <summary>Where the documents are kept, for logs.</summary>
    public string Location => documents.Location;

    /// <summary>The state each account was last seen in by this replica's rounds.</summary>
    public IReadOnlyDictionary<string, CoverageState> States => _states;

    /// <summary>Runs one check over <paramref name="targets"/>: at most <see cref="SendsPerCheck"/> probes, every account's deadline, then the relay's alarm.</summary>
    /// <exception cref="IOException">A document could not be read or written, or an alert not committed (the next check tries again).</exception>
    public async Task RunAsync(IReadOnlyList<CoverageTarget> targets, CancellationToken cancellationToken)
    {
        var settings = options.Value;
        var sends = SendsPerCheck(targets.Count, settings);
        var failing = new List<(CoverageTarget Target, ProbeSent Sent)>();
        DateTimeOffset? relayTook = null; // the newest probe the relay took, for any account
        foreach (var target in targets)
        {
            try
            {
                var sent = Sent(target.AccountId);
                if (sends > 0 && IsDue(target.AccountId, sent, time.GetUtcNow(), settings))
                {
                    sends--;
                    sent = await SendAsync(target, sent, cancellationToken).ConfigureAwait(false);
                }

                if (sent is { FailedRounds: > 0 })
                {
                    failing.Add((target, sent));
                }

                if (sent?.SentAt is { } taken && (relayTook is null || taken > relayTook))
                {
                    relayTook = taken;
                }

                var arrival = CoverageDocuments.Read<ProbeArrival>(documents.Read(CoverageDocuments.ArrivedKey(target.AccountId)));
                await CheckAsync(target, sent, arrival, settings, cancellationToken).ConfigureAwait(false);
            }
            catch (System.Text.Json.JsonException e)
            {
                // One account's damaged document does not hold up the others' probes.
                CoverageLog.DocumentUnreadable(logger, target.AccountId, e.Message);
            }
        }

        await RelayAlarmAsync(failing, relayTook, settings, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>The account's <c>sent-</c> document; null when absent, or damaged (logged; the next probe replaces it: a damaged document must not stop the account's probes for good).</summary>
    private ProbeSent? Sent(string accountId)
    {
        var key = CoverageDocuments.SentKey(accountId);
        var sent = CoverageDocuments.ReadOrReplace<ProbeSent>(documents.Read(key), out var damage);
        if (damage is not null)
        {
            Log.CoverageDocumentDamaged(logger, key, documents.Location, damage);
        }

        return sent;
    }

    /// <summary>
    /// How many probes one check sends at most: the share of the accounts one check interval should carry, doubled, and at
    /// least 5 — so a first start with hundreds of accounts spreads them too, while the steady state (each account at its
    /// own phase) is never held up.
    /// </summary>
    public static int SendsPerCheck(int accounts, CoverageOptions settings) =>
        Math.Max(5, (int)Math.Ceiling(accounts * 2 * settings.CheckInterval.TotalSeconds / settings.Interval.TotalSeconds));

    /// <summary>How far in the future a recorded attempt may lie (clocks of replicas differ a little) before it is taken for a clock that was set back.</summary>
    public static readonly TimeSpan ClockTolerance = ProbeToken.FutureTolerance;

    /// <summary>
    /// Whether the account's next probe is due at <paramref name="now"/>: never tried, or tried more than
    /// <see cref="ClockTolerance"/> in the future (the clock was set back); after a failed round,
    /// <c>Coverage:SendRetryInterval</c> after it; else when its slot (<see cref="Phase"/> past each multiple of
    /// <c>Coverage:Interval</c> since the Unix epoch) has passed since the last attempt.
    /// </summary>
    public static bool IsDue(string accountId, ProbeSent? sent, DateTimeOffset now, CoverageOptions settings)
    {
        if (sent?.AttemptedAt is not { } attempted || attempted > now + ClockTolerance)
        {
            return true; // never tried; or tried "in the future": a clock that ran ahead and was set back must not stop the probes until it catches up
        }

        if (sent.FailedRounds > 0)
        {
            return now - attempted >= settings.SendRetryInterval;
        }

        var interval = settings.Interval.Ticks;
        var phase = Phase(accountId, settings.Interval).Ticks;
        var sinceEpoch = (now - DateTimeOffset.UnixEpoch).Ticks;
        var lastSlot = sinceEpoch - phase < 0 ? long.MinValue : ((sinceEpoch - phase) / interval * interval) + phase;
        return lastSlot != long.MinValue && DateTimeOffset.UnixEpoch.AddTicks(lastSlot) > attempted;
    }

    /// <summary>The account's fixed offset within each interval: a hash of its id (SHA-256), so the accounts spread evenly and each keeps its time.</summary>
    public static TimeSpan Phase(string accountId, TimeSpan interval)
    {
        var hash = SHA256.HashData(Encoding.ASCII.GetBytes(accountId));
        return TimeSpan.FromTicks((long)(BinaryPrimitives.ReadUInt64BigEndian(hash) % (ulong)interval.Ticks));
    }

    private async Task<ProbeSent> SendAsync(CoverageTarget target, ProbeSent? previous, CancellationToken cancellationToken)
    {
        var settings = options.Value;
        var now = time.GetUtcNow();
        var probeId = ProbeToken.NewProbeId();
        var key = probeKey.Key ?? throw new InvalidOperationException("Coverage:ProbeKey is not set");
        var token = ProbeToken.Create(key.Span, target.AccountId, probeId, now);
        var basis = (previous ?? new ProbeSent { AccountId = target.AccountId, RootAddress = target.RootAddress }) with
        {
            AccountName = target.AccountName,
            RootAddress = target.RootAddress,
            AttemptedAt = now,
        };
        ProbeSent sent;
        try
        {
            await sender.SendAsync(ProbeMessage.Create(settings.From, target, token, now), cancellationToken).ConfigureAwait(false);
            sent = basis with { ProbeId = probeId, SentAt = DateTimeOffset.FromUnixTimeSeconds(now.ToUnixTimeSeconds()), FailedRounds = 0, LastError = null, FailingSince = null, RecipientRefused = false };
            CoverageLog.ProbeSent(logger, probeId, target.RootAddress, target.AccountId);
        }
        catch (ProbeSendException e)
        {
            sent = basis with
            {
                FailedRounds = basis.FailedRounds + 1,
                LastError = e.Message,
                FailingSince = basis.FailedRounds > 0 ? basis.FailingSince ?? now : now,
                RecipientRefused = e.RecipientRefused,
            };
            CoverageLog.SendFailed(logger, target.RootAddress, target.AccountId, sent.FailedRounds, e.Message);
        }

        Save(sent);
        return sent;
    }

    private void Save(ProbeSent sent) => documents.Write(CoverageDocuments.SentKey(sent.AccountId), CoverageDocuments.Write(sent));
}
