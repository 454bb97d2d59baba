using MailGate.Core.Messages;
using MailGate.Core.Decide;
using MailGate.Core.Parse;
using MailGate.Core.Rules;
using MailGate.Core.Storage;
using MailGate.Coverage;
using MailGate.Observability;
using MailGate.Parse;
using MailGate.Rules;
using MailGate.Spool;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace MailGate.Process;

/// <summary>
/// Reads a message and decides it, never waiting for the network: parses it (or reads its support case),
/// verifies DKIM/ARC with the keys already cached, and hands the facts to <see cref="MessageDecider"/>.
/// A message that needs keys not looked up yet is set aside while <see cref="KeyFetcher"/> looks them up
/// (it is queued again when they are in, <see cref="FetchedKeys"/>); a temporary DNS failure defers the
/// decision (<see cref="TrustOptions.TempErrorRetryWindow"/>, <see cref="VerificationDeferrals"/>).
/// </summary>
internal sealed class DecisionStage(
    IProcessingStore store,
    MessageParser parser,
    RulesProvider rules,
    IUntrustedLimiter untrustedLimiter,
    KeyFetcher keyFetcher,
    FetchedKeys fetched,
    VerificationDeferrals deferrals,
    ProbeReceiver probes,
    ProcessingLog log,
    ProcessingEvents events,
    MailGateMetrics metrics,
    IOptions<SpoolOptions> options,
    IOptions<TrustOptions> trust,
    TimeProvider time,
    ILogger<MessageProcessor> logger)
{
    /// <summary>Parses, verifies and decides <paramref name="message"/>.</summary>
    /// <param name="message">The spool entry, not decided yet.</param>
    /// <param name="postFetch">Its keys were just looked up: decide with what the cache has, even if some are missing.</param>
    /// <param name="cancellationToken">Stops parsing.</param>
    /// <returns>The state to persist; or none, with <c>SetAside</c> when the message's keys are being looked up (it is decided when they are in) or not when it is deferred.</returns>
    public async Task<(ProcessingState? State, bool SetAside)> DecideAsync(StoredMessage message, bool postFetch, CancellationToken cancellationToken)
    {
        MessageFacts facts;
        try
        {
            if (message.Envelope.Origin is SupportCaseOrigin)
            {
                using var json = store.OpenContent(message);
                return (Decide(message, SupportCaseReader.Read(message.Id, message.Envelope, json)), false);
            }

            if (message.Envelope.Origin is HealthEventOrigin)
            {
                using var json = store.OpenContent(message);
                return (Decide(message, HealthEventReader.Read(message.Id, message.Envelope, json)), false);
            }

            if (message.Envelope.Origin is CoverageOrigin)
            {
                using var json = store.OpenContent(message);
                return (Decide(message, CoverageAlertReader.Read(message.Id, message.Envelope, json)), false);
            }

            var content = store.OpenContent(message);
            await using (content.ConfigureAwait(false))
            {
                facts = await parser.ParseAsync(message.Id, message.Envelope, content, cancellationToken).ConfigureAwait(false);
            }
        }
        catch (MessageParseException e)
        {
            log.Unparseable();
            return (MessageDecider.Unparseable(e.Message, time.GetUtcNow()), false);
        }

        var authentication = facts.Authentication;
        if (authentication.MissingKeys.Count > 0 && !postFetch)
        {
            Log.KeysNeeded(logger, message.Id, authentication.MissingKeys.Count, ClientNetwork.Of(message.Envelope.Mail?.ClientAddress));
            keyFetcher.Enqueue(message, authentication.MissingKeys, fetched.Done);
            return (null, true);
        }

        if (authentication.HasTemporaryError)
        {
            var window = trust.Value.TempErrorRetryWindow;
            var retryIn = trust.Value.DnsFailureCacheDuration > options.Value.ScanInterval ? trust.Value.DnsFailureCacheDuration : options.Value.ScanInterval;
            if (deferrals.TryDefer(message.Id, window, retryIn, out var remaining))
            {
                deferrals.Hold(message);
                metrics.VerificationDeferred();
                Log.VerificationDeferred(logger, message.Id, authentication.ToString(), remaining);
                events.OnDeferred(message.Id);
                return (null, false);
            }

            Log.VerificationGaveUp(logger, message.Id, window, authentication.ToString());
        }

        deferrals.Forget(message.Id);
        return (probes.TryReceive(message, facts) ?? Decide(message, facts), false); // a coverage probe never reaches the rules
    }

    /// <summary>Decides on <paramref name="facts"/> with the rules in force, pins the keys of trusted mail, and reports the decision.</summary>
    private ProcessingState Decide(StoredMessage message, MessageFacts facts)
    {
        var decision = MessageDecider.Decide(
            new DecisionInput
            {
                Facts = facts,
                Rules = rules.Current,
                ClientAddress = message.Envelope.Mail?.ClientAddress,
                Resolve = message.Envelope.Resolve,
                DecidedAt = time.GetUtcNow(),
            },
            untrustedLimiter);
        if (decision.KeysToPin.Count > 0)
        {
            keyFetcher.Trusted(message.Id, decision.KeysToPin); // genuine mail's keys: kept fresh, looked up first
        }

        log.Decided(message.Id, decision);
        return decision.State;
    }
}
