using System.Collections.Concurrent;

namespace MailGate.Poll;

/// <summary>How polling one account went: for <c>/readyz</c>, metrics and warnings on change.</summary>
/// <param name="AccountId">The account.</param>
/// <param name="AccountName">Its name in AWS Organizations.</param>
/// <param name="State"><c>ok</c>, <c>pending</c> (not polled yet), or what failed: <c>no_credentials</c>, <c>assume_role_failed</c>, <c>subscription_required</c>, <c>throttled</c>, <c>access_denied</c>, <c>error</c> (the poller's <c>PollErrorPolicy</c>).</param>
/// <param name="LastSuccess">When a poll of every language last succeeded.</param>
/// <param name="LastError">The latest failure, as an operator reads it; null after a success.</param>
/// <param name="LastErrorAt">When it happened.</param>
/// <param name="CasesFound">New cases spooled since start.</param>
public sealed record AccountPollStatus(
    string AccountId,
    string AccountName,
    string State,
    DateTimeOffset? LastSuccess,
    string? LastError,
    DateTimeOffset? LastErrorAt,
    long CasesFound);

/// <summary>The latest <see cref="AccountPollStatus"/> of every account the poller knows.</summary>
public sealed class SupportCasePollStatus
{
    private readonly ConcurrentDictionary<string, AccountPollStatus> _accounts = new(StringComparer.Ordinal);
    private long _completedPolls;

    /// <summary>Whether the poller is enabled at all.</summary>
    public bool Enabled { get; internal set; }

    /// <summary>When the account list was last read from AWS Organizations; null before the first success.</summary>
    public DateTimeOffset? AccountsListedAt { get; internal set; }

    /// <summary>Why the account list could not be read last time; null after a success.</summary>
    public string? AccountsError { get; internal set; }

    /// <summary>Rounds of polling completed since start (each polls every account once).</summary>
    public long CompletedPolls => Interlocked.Read(ref _completedPolls);

    /// <summary>Every account, by id.</summary>
    public IReadOnlyList<AccountPollStatus> Accounts =>
        [.. _accounts.Values.OrderBy(a => a.AccountId, StringComparer.Ordinal)];

    /// <summary>Makes the polled set exactly <paramref name="accounts"/> (id, name), keeping what is known of those that stay.</summary>
    internal void SetAccounts(IEnumerable<(string Id, string Name)> accounts)
    {
        var wanted = accounts.ToDictionary(a => a.Id, a => a.Name, StringComparer.Ordinal);
        foreach (var id in _accounts.Keys)
        {
            if (!wanted.ContainsKey(id))
            {
                _accounts.TryRemove(id, out _);
            }
        }

        foreach (var (id, name) in wanted)
        {
            _accounts.AddOrUpdate(id, _ => new AccountPollStatus(id, name, PollErrorPolicy.Pending, null, null, null, 0), (_, old) => old with { AccountName = name });
        }
    }

    /// <summary>
    /// Raised after each finished round (every account polled once), with <see cref="CompletedPolls"/>;
    /// on the poller's thread, so handlers must be quick.
    /// </summary>
    public event EventHandler<long>? RoundCompleted;

    /// <summary>Counts a finished round, then raises <see cref="RoundCompleted"/>.</summary>
    /// <remarks>
    /// The count comes first, as a statement of its own: in <c>RoundCompleted?.Invoke(this, Interlocked.Increment(...))</c>
    /// the argument is not evaluated when nobody listens, and the count (in <c>/readyz</c>) stayed at 0.
    /// </remarks>
    internal void PollCompleted()
    {
        var completed = Interlocked.Increment(ref _completedPolls);
        RoundCompleted?.Invoke(this, completed);
    }

    /// <summary>Records a successful poll; returns the previous state.</summary>
    internal string Succeeded(string accountId, DateTimeOffset at, int found)
    {
        var previous = PollErrorPolicy.Pending;
        _accounts.AddOrUpdate(
            accountId,
            _ => new AccountPollStatus(accountId, "", PollErrorPolicy.Ok, at, null, null, found),
            (_, old) =>
            {
                previous = old.State;
                return old with { State = PollErrorPolicy.Ok, LastSuccess = at, LastError = null, CasesFound = old.CasesFound + found };
            });
        return previous;
    }

    /// <summary>Records a failed poll; returns the previous state.</summary>
    internal string Failed(string accountId, string state, string error, DateTimeOffset at, int found)
    {
        var previous = PollErrorPolicy.Pending;
        _accounts.AddOrUpdate(
            accountId,
            _ => new AccountPollStatus(accountId, "", state, null, error, at, found),
            (_, old) =>
            {
                previous = old.State;
                return old with { State = state, LastError = error, LastErrorAt = at, CasesFound = old.CasesFound + found };
            });
        return previous;
    }
}
