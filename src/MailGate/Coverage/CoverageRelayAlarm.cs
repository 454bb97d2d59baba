using MailGate.Core.Coverage;

namespace MailGate.Coverage;

/// <summary>
/// The relay half of a round: probes the relay does not take raise ONE alert for all accounts (dedup key
/// <see cref="CoverageAlert.RelayKey"/>), not one per account — a relay that is down fails every account, and hundreds of
/// incidents for one broken relay would flood the on-call engineer. Kept open in the <c>relay-alarm</c> document.
/// </summary>
internal sealed partial class CoverageRound
{
    /// <summary>
    /// Triggers the relay alert when some account's probes failed <c>Coverage:SendFailuresBeforePage</c> rounds in a row and
    /// it is not open; resolves it once no account of this round is failing any more (also when the document is damaged,
    /// which may hide an open alert). An account whose root address alone the relay refuses (<see cref="RootRefused"/>) is
    /// not the relay's failure: it pages on the account's own key (<see cref="RootRefusedAsync"/>).
    /// </summary>
    /// <param name="failing">This round's accounts whose newest send failed, with their documents.</param>
    /// <param name="relayTook">When the relay last took a probe, for any account of this round (the newest <see cref="ProbeSent.SentAt"/>).</param>
    /// <param name="settings">The options of this round.</param>
    /// <param name="cancellationToken">Shutdown.</param>
    /// <exception cref="IOException">The document could not be written, or the alert not committed (the next round tries again).</exception>
    private async Task RelayAlarmAsync(List<(CoverageTarget Target, ProbeSent Sent)> failing, DateTimeOffset? relayTook, CoverageOptions settings, CancellationToken cancellationToken)
    {
        foreach (var (target, sent) in failing.Where(f => RootRefused(f.Sent, relayTook)))
        {
            await RootRefusedAsync(target, sent, settings, cancellationToken).ConfigureAwait(false);
        }

        failing = [.. failing.Where(f => !RootRefused(f.Sent, relayTook))];
        var (alarm, damaged) = RelayAlarm();
        var now = time.GetUtcNow();
        var overdue = failing.Where(f => f.Sent.FailedRounds >= settings.SendFailuresBeforePage).ToList();
        if (!alarm.Open && overdue.Count > 0)
        {
            var (target, sent) = overdue[0];
            var summary = $"Coverage probes could not be sent for {settings.SendFailuresBeforePage} rounds in a row to {overdue.Count} account(s) " +
                $"through the relay {settings.Relay.Host}:{settings.Relay.Port}, e.g. AWS account {Who(target)}: {sent.LastError}";
            await alerts.RaiseAsync(Alert(target, CoverageStates.SendFailedAlert, CoverageAlert.RelayKey, summary, resolve: false, now) with { AccountId = "", AccountName = "", RootAddress = "" }, "relay", cancellationToken).ConfigureAwait(false);
            SaveRelayAlarm(new RelayAlarmState { Open = true, Since = now });
        }
        else if ((alarm.Open || damaged) && failing.Count == 0)
        {
            // A damaged document may hide an open alert: resolve it (a resolve of a closed incident changes nothing).
            var since = alarm.Since is null ? "" : $" (failing since {Time(alarm.Since)})";
            var summary = $"Coverage probes are sent again through the relay {settings.Relay.Host}:{settings.Relay.Port}{since}";
            var resolve = new CoverageAlert { Kind = CoverageStates.SendFailedAlert, Resolve = true, DedupKey = CoverageAlert.RelayKey, Summary = summary, RaisedAt = now };
            await alerts.RaiseAsync(resolve, "relay", cancellationToken).ConfigureAwait(false);
            SaveRelayAlarm(new RelayAlarmState { Open = false });
        }
    }

    /// <summary>
    /// The relay alarm's document (closed when absent), and whether it was damaged (logged): then whether the alert is open
    /// is unknown, and the next trigger or resolve is sent and replaces it.
    /// </summary>
    private (RelayAlarmState Alarm, bool Damaged) RelayAlarm()
    {
        var alarm = CoverageDocuments.ReadOrReplace<RelayAlarmState>(documents.Read(CoverageDocuments.RelayAlarmKey), out var damage);
        if (damage is not null)
        {
            Log.CoverageDocumentDamaged(logger, CoverageDocuments.RelayAlarmKey, documents.Location, damage);
        }

        return (alarm ?? new RelayAlarmState(), damage is not null);
    }

    /// <summary>
    /// Whether the account's failure is its root address's, not the relay's: the relay permanently refused the recipient
    /// and has taken another account's probe since this account began failing. A relay that refuses every recipient
    /// ("relaying denied") takes none, so it stays one relay alert instead of one page per account.
    /// </summary>
    private static bool RootRefused(ProbeSent sent, DateTimeOffset? relayTook) =>
        sent.RecipientRefused && relayTook is { } took && sent.FailingSince is { } since && took >= since;

    /// <summary>The account's own <c>send_failed</c> alert (its dedup key), once, after <c>Coverage:SendFailuresBeforePage</c> refused rounds; resolved like <c>missing</c>, when a probe sent since arrives.</summary>
    private async Task RootRefusedAsync(CoverageTarget target, ProbeSent sent, CoverageOptions settings, CancellationToken cancellationToken)
    {
        if (sent.FailedRounds < settings.SendFailuresBeforePage || sent.OpenAlert is not null)
        {
            return; // not yet; or the account's incident is open already (missing, or this one)
        }

        var summary = $"The relay {settings.Relay.Host}:{settings.Relay.Port} refuses the root address of AWS account {Who(target)} " +
            $"({sent.FailedRounds} rounds in a row) while it takes other accounts' probes: the address may not exist any more, and AWS mail to it may bounce: {sent.LastError}";
        await alerts.RaiseAsync(Alert(target, CoverageStates.SendFailedAlert, summary, resolve: false, time.GetUtcNow()), target.AccountId, cancellationToken).ConfigureAwait(false);
        Save(sent with { OpenAlert = CoverageStates.SendFailedAlert });
    }

    private void SaveRelayAlarm(RelayAlarmState state) => documents.Write(CoverageDocuments.RelayAlarmKey, CoverageDocuments.Write(state));
}
