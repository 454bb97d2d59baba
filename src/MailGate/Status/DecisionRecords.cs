using MailGate.Core.Messages;
using MailGate.Core.Storage;

namespace MailGate.Status;

/// <summary>
/// The status surface's view of the storage, through the seam (<see cref="ISpoolAdministration"/>, as
/// <c>mailgate spool list|show</c> read it): so both backends answer alike. Every call lists the areas anew;
/// nothing is cached. Each area is read up to its newest <see cref="Window"/> entries only
/// (<see cref="ISpoolAdministration.ListNewest"/>), so a large done area cannot make the page slow: the list and its
/// filter cover the newest <see cref="Window"/> of each area; older ones are for <c>mailgate spool list</c>.
/// Rows are built by <see cref="Summarise"/> (pure).
/// </summary>
internal sealed class DecisionRecords(IMessageStorage storage)
{
    /// <summary>How many of the newest entries of each area the status surface reads (and filters).</summary>
    public const int Window = 500;

    private static readonly SpoolArea[] Areas = [SpoolArea.Active, SpoolArea.Dead, SpoolArea.Done];

    /// <summary>The newest <see cref="Window"/> messages of each area but corrupt, newest first, that pass <paramref name="filter"/>.</summary>
    /// <exception cref="IOException">The storage cannot be read.</exception>
    public IReadOnlyList<DecisionSummary> List(DecisionFilter filter) =>
        [.. Areas.SelectMany(area => storage.ListNewest(area, Window).Messages).Select(Summarise).Where(filter.Matches).OrderByDescending(s => s.ReceivedAt).ThenByDescending(s => s.Id, StringComparer.Ordinal)];

    /// <summary>The newest <see cref="Window"/> dead letters, newest first, with why each died.</summary>
    /// <exception cref="IOException">The storage cannot be read.</exception>
    public IReadOnlyList<DeadLetter> Dead() =>
        [.. storage.ListNewest(SpoolArea.Dead, Window).Messages.Select(e => new DeadLetter(Summarise(e), Reason(e))).OrderByDescending(d => d.Decision.ReceivedAt)];

    /// <summary>The stored entry <paramref name="id"/>, or null.</summary>
    public StoredEntry? Find(string id) => storage.Find(id);

    /// <summary>The row of one stored entry. Pure.</summary>
    public static DecisionSummary Summarise(StoredEntry entry)
    {
        var (message, area, state, problem) = entry;
        var deliveries = state?.Deliveries ?? [];
        var rules = deliveries.Count > 0 ? deliveries.Select(d => d.Rule).Distinct(StringComparer.Ordinal).ToArray()
            : state?.DroppedBy is { } drop ? [drop]
            : state?.Probe is not null ? ["(coverage probe)"] : [];
        return new DecisionSummary(
            message.Id,
            message.Envelope.ReceivedAt,
            SourceOf(message.Envelope.Origin),
            area.ToString().ToLowerInvariant(),
            state?.Sender ?? message.Envelope.Mail?.MailFrom ?? "",
            state?.Subject ?? "",
            state?.Account ?? message.Envelope.SupportCase?.AccountId ?? "",
            rules,
            Action(state, problem),
            state is not null && state.Untrusted.Count == 0 && !deliveries.Any(d => d.TravelsUnverified()),
            Outcome(state, problem),
            [.. deliveries.Select(d => d.Event.DedupKey)],
            problem ?? state?.Error ?? deliveries.Select(d => d.LastError).LastOrDefault(e => e is not null));
    }

    /// <summary>Where a message came from, as the list shows it: <c>mail</c>, <c>support case</c>, <c>Health event</c> or <c>coverage alert</c>. Pure.</summary>
    public static string SourceOf(MessageOrigin origin) => origin switch
    {
        SupportCaseOrigin => "support case",
        HealthEventOrigin => "Health event",
        CoverageOrigin => "coverage alert",
        _ => "mail",
    };

    /// <summary>Why a dead letter died. Pure.</summary>
    public static string Reason(StoredEntry entry) =>
        entry.StateProblem is { } problem ? $"its state cannot be read: {problem}"
        : entry.State?.Error is { } error ? error
        : string.Join("; ", (entry.State?.Deliveries ?? []).Where(d => d.Status is not (DeliveryStatus.Delivered or DeliveryStatus.DryRun or DeliveryStatus.Duplicate))
            .Select(d => $"{d.Rule}: {Status(d.Status)} after {d.Attempts} attempt(s){(d.LastError is null ? "" : ": " + d.LastError)}"));

    /// <summary>A delivery status as the API spells it (<c>dry-run</c>, <c>route-missing</c>).</summary>
    public static string Status(DeliveryStatus status) => status switch
    {
        DeliveryStatus.DryRun => "dry-run",
        DeliveryStatus.RouteMissing => "route-missing",
        _ => status.ToString().ToLowerInvariant(),
    };

    private static string Action(ProcessingState? state, string? problem) =>
        problem is not null || state?.Error is not null ? "error"
        : state is null || !state.IsDecided ? "undecided"
        : state.Deliveries.Count > 0 ? (state.Deliveries.All(d => d.Event.EventAction == "trigger") ? "page" : string.Join(",", state.Deliveries.Select(d => d.Event.EventAction).Distinct(StringComparer.Ordinal)))
        : state.Untrusted.Count > 0 ? "untrusted"
        : "drop";

    private static string Outcome(ProcessingState? state, string? problem) =>
        problem is not null || state?.Error is not null ? "failed"
        : state is null || !state.IsDecided ? "pending"
        : state.Deliveries.Count == 0 ? "dropped"
        : string.Join(",", state.Deliveries.Select(d => Status(d.Status)).Distinct(StringComparer.Ordinal));
}

/// <summary>The list's filter: a text (any of id, sender, subject, account, rule, dedup key, error; case-insensitive) and an outcome.</summary>
/// <param name="Text">Text to find, or null.</param>
/// <param name="Outcome">An outcome (<see cref="DecisionSummary.Outcome"/>) or area (<c>dead</c>, <c>active</c>, <c>done</c>), or null.</param>
internal sealed record DecisionFilter(string? Text, string? Outcome)
{
    /// <summary>Whether <paramref name="row"/> passes. Pure.</summary>
    public bool Matches(DecisionSummary row) =>
        (string.IsNullOrWhiteSpace(Outcome) || row.Outcome.Split(',').Contains(Outcome.Trim(), StringComparer.OrdinalIgnoreCase) || row.State.Equals(Outcome.Trim(), StringComparison.OrdinalIgnoreCase))
        && (string.IsNullOrWhiteSpace(Text) || Fields(row).Any(f => f.Contains(Text.Trim(), StringComparison.OrdinalIgnoreCase)));

    private static IEnumerable<string> Fields(DecisionSummary row) =>
        [row.Id, row.Sender, row.Subject, row.Account, row.Action, .. row.Rules, .. row.DedupKeys, row.LastError ?? ""];
}
