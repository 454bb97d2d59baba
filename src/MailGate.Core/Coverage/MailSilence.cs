using System.Text;

namespace MailGate.Core.Coverage;

/// <summary>
/// When mail last arrived over SMTP (any mail, probes included), kept by every replica in the cursor store
/// <see cref="Store"/>: the key <see cref="AllKey"/> for all mail and one key per List-Id (<see cref="ListKey"/>),
/// each a <see cref="LastReceived"/> document. Writers keep the later of what is stored and what they saw, so
/// the document holds the newest arrival any replica saw (to within a replica's flush interval).
/// </summary>
public static class MailSilence
{
    /// <summary>The cursor store's name.</summary>
    public const string Store = "coverage-silence";

    /// <summary>The key of the document for all mail.</summary>
    public const string AllKey = "all";

    /// <summary>The key of the silence alarm's own document (<see cref="SilenceAlarmState"/>).</summary>
    public const string AlarmKey = "alarm";

    /// <summary>
    /// The most List-Ids whose silence is kept (stored documents, and each replica's memory): List-Ids come from the
    /// mail, so anyone who can write to the SMTP port can invent any number of them; beyond this many, a new List-Id
    /// counts in the overall silence only. Real installations have one group per account plus the aggregation groups.
    /// </summary>
    public const int MaxGroups = 1000;

    /// <summary>The prefix of a List-Id's key.</summary>
    public const string ListPrefix = "list-";

    /// <summary>
    /// The key of <paramref name="listId"/>'s document: <c>list-</c> and the List-Id lower-cased, every character
    /// other than a letter, digit, dot, dash or underscore made <c>_</c>, cut to 120 characters (the document keeps the real id).
    /// </summary>
    public static string ListKey(string listId)
    {
        ArgumentNullException.ThrowIfNull(listId);
        var key = new StringBuilder(ListPrefix, ListPrefix.Length + Math.Min(listId.Length, 123));
        foreach (var c in listId.ToLowerInvariant())
        {
            if (key.Length >= 128)
            {
                break;
            }

            key.Append(char.IsAsciiLetterOrDigit(c) || c is '.' or '-' or '_' ? c : '_');
        }

        return key.ToString();
    }

    /// <summary>What the silence alarm should do now (pure).</summary>
    /// <param name="lastReceived">The newest arrival any replica recorded, or null when none was ever recorded.</param>
    /// <param name="state">The alarm's document (when it started watching, whether an alert is open).</param>
    /// <param name="now">Now.</param>
    /// <param name="alarm">How long without mail pages (<c>Coverage:SilenceAlarm</c>).</param>
    /// <returns><see cref="SilenceAction.Raise"/> once the quiet (since the last mail, else since watching began) exceeds <paramref name="alarm"/> and no alert is open; <see cref="SilenceAction.Resolve"/> when an alert is open and mail arrived after it was raised; else <see cref="SilenceAction.None"/>.</returns>
    public static SilenceAction Decide(DateTimeOffset? lastReceived, SilenceAlarmState state, DateTimeOffset now, TimeSpan alarm)
    {
        ArgumentNullException.ThrowIfNull(state);
        if (state.OpenSince is { } open)
        {
            return lastReceived > open ? SilenceAction.Resolve : SilenceAction.None;
        }

        var quietSince = lastReceived is { } last && last > state.WatchingSince ? last : state.WatchingSince;
        return now - quietSince > alarm ? SilenceAction.Raise : SilenceAction.None;
    }
}

/// <summary>What <see cref="MailSilence.Decide"/> says to do.</summary>
public enum SilenceAction
{
    /// <summary>Nothing changes.</summary>
    None,

    /// <summary>Page: no mail for longer than the alarm.</summary>
    Raise,

    /// <summary>Resolve the open alert: mail is arriving again.</summary>
    Resolve,
}

/// <summary>When mail last arrived (document <c>all</c> or <c>list-…</c> of <see cref="MailSilence.Store"/>).</summary>
public sealed record LastReceived
{
    /// <summary>When the newest mail was accepted (its 250).</summary>
    public required DateTimeOffset ReceivedAt { get; init; }

    /// <summary>The List-Id, for a group's document; null for <c>all</c>.</summary>
    public string? ListId { get; init; }
}

/// <summary>The silence alarm's state (document <c>alarm</c> of <see cref="MailSilence.Store"/>, written by the leader).</summary>
public sealed record SilenceAlarmState
{
    /// <summary>When the alarm began watching (the quiet is counted from here while no mail was ever recorded).</summary>
    public required DateTimeOffset WatchingSince { get; init; }

    /// <summary>When the open silence alert was raised; null while none is open.</summary>
    public DateTimeOffset? OpenSince { get; init; }
}
