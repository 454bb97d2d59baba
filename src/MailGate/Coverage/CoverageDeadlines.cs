using System.Globalization;
using MailGate.Core.Coverage;

namespace MailGate.Coverage;

/// <summary>The deadline half of a round: the account's state, logged once per change, and its alert (once per change, through <see cref="ProbeSent.OpenAlert"/>).</summary>
internal sealed partial class CoverageRound
{
    private async Task CheckAsync(CoverageTarget target, ProbeSent? sent, ProbeArrival? arrival, CoverageOptions settings, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        var state = CoverageStates.Evaluate(sent, arrival, now, settings.Deadline);
        Note(target, state);
        if (sent is null)
        {
            return;
        }

        var (alert, open) = Decide(target, sent, arrival, state, settings, now);
        if (alert is null)
        {
            return;
        }

        await alerts.RaiseAsync(alert, target.AccountId, cancellationToken).ConfigureAwait(false);
        Save(sent with { OpenAlert = open });
    }

    /// <summary>
    /// The account's own alert owed, if any, and what is open afterwards: <c>missing</c> on entering Missing; a resolve of
    /// whatever is open once a probe sent since came back. Probes the relay does not take are not the account's alert but
    /// the relay's: one for all accounts (<see cref="RelayAlarmAsync"/>).
    /// </summary>
    internal static (CoverageAlert? Alert, string? Open) Decide(
        CoverageTarget target, ProbeSent sent, ProbeArrival? arrival, CoverageState state, CoverageOptions settings, DateTimeOffset now)
    {
        var open = sent.OpenAlert;
        if (state == CoverageState.Missing && open != CoverageStates.MissingAlert)
        {
            var summary = $"No coverage probe from AWS account {Who(target)} came back within {settings.Deadline}: sent {Time(sent.SentAt)}; {LastSeen(arrival)}";
            return (Alert(target, CoverageStates.MissingAlert, summary, resolve: false, now), CoverageStates.MissingAlert);
        }

        if (open is not null && state == CoverageState.Ok && CoverageStates.Arrived(sent, arrival))
        {
            var summary = $"Coverage of AWS account {Who(target)} is back: a probe arrived {Time(arrival!.ArrivedAt)}";
            return (Alert(target, open, summary, resolve: true, now), null);
        }

        return (null, open);
    }

    private static CoverageAlert Alert(CoverageTarget target, string kind, string summary, bool resolve, DateTimeOffset now) =>
        Alert(target, kind, CoverageAlert.AccountKey(target.AccountId), summary, resolve, now);

    private static CoverageAlert Alert(CoverageTarget target, string kind, string dedupKey, string summary, bool resolve, DateTimeOffset now) => new()
    {
        Kind = kind,
        Resolve = resolve,
        DedupKey = dedupKey,
        Summary = summary.Length > 1024 ? summary[..1024] : summary,
        AccountId = target.AccountId,
        AccountName = target.AccountName,
        RootAddress = target.RootAddress,
        RaisedAt = now,
    };

    private static string Who(CoverageTarget target) =>
        target.AccountName.Length > 0 ? $"{target.AccountName} ({target.AccountId}, {target.RootAddress})" : $"{target.AccountId} ({target.RootAddress})";

    private static string LastSeen(ProbeArrival? arrival) => arrival is null
        ? "no probe from it has arrived yet"
        : $"last probe from it arrived {Time(arrival.ArrivedAt)}" + (arrival.ListIds.Count > 0 ? $" via {string.Join(", ", arrival.ListIds)}" : "");

    private static string Time(DateTimeOffset? at) => at?.UtcDateTime.ToString("yyyy-MM-dd HH:mm:ss 'UTC'", CultureInfo.InvariantCulture) ?? "never";

    private void Note(CoverageTarget target, CoverageState state)
    {
        var previous = _states.TryGetValue(target.AccountId, out var was) ? was : (CoverageState?)null;
        _states[target.AccountId] = state;
        if (previous == state)
        {
            return;
        }

        var name = CoverageStates.Name(state);
        var before = previous is { } p ? CoverageStates.Name(p) : "unknown";
        if (state is CoverageState.Missing or CoverageState.SendFailed)
        {
            CoverageLog.StateWorsened(logger, target.AccountId, target.RootAddress, name, before);
        }
        else
        {
            CoverageLog.StateChanged(logger, target.AccountId, target.RootAddress, name, before);
        }
    }
}
