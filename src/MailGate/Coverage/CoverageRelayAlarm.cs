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
    /// which may hide an open alert).
    /// </summary>
    /// <param name="failing">This round's accounts whose newest send failed, with their documents.</param>
    /// <param name="settings">The options of this round.</param>
    /// <param name="cancellationToken">Shutdown.</param>
    /// <exception cref="IOException">The document could not be written, or the alert not committed (the next round tries again).</exception>
    private async Task RelayAlarmAsync(List<(CoverageTarget Target, ProbeSent Sent)> failing, CoverageOptions settings, CancellationToken cancellationToken)
    {
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

    private void SaveRelayAlarm(RelayAlarmState state) => documents.Write(CoverageDocuments.RelayAlarmKey, CoverageDocuments.Write(state));
}
