namespace MailGate.Poll;

/// <summary>
/// What the poller remembers about one account, persisted (<c>{account}.json</c>) so that a restart,
/// or a poll that failed or ran late, misses nothing and pages nothing twice.
/// </summary>
internal sealed class CaseCursor
{
    /// <summary>Per Support API language: the newest case seen and the cases already taken.</summary>
    public Dictionary<string, LanguageCursor> Languages { get; init; } = new(StringComparer.Ordinal);

    /// <summary>
    /// Cases taken while <see cref="SupportCaseOptions.ResolveEvents"/> is on and not yet seen resolved,
    /// by case id: watched so that a <c>resolve</c> event can follow.
    /// </summary>
    public Dictionary<string, WatchedCase> Watched { get; init; } = new(StringComparer.Ordinal);

    /// <summary>The cursor for <paramref name="language"/>, created empty when missing.</summary>
    public LanguageCursor For(string language)
    {
        if (!Languages.TryGetValue(language, out var cursor))
        {
            Languages[language] = cursor = new LanguageCursor();
        }

        return cursor;
    }
}

/// <summary>One language's cursor in one account.</summary>
internal sealed class LanguageCursor
{
    /// <summary>
    /// The high-water mark: the creation time of the newest case seen or, when later, the start of the
    /// last complete poll less the overlap (so an account that never had a case still remembers how far
    /// it was read); null before the first complete poll.
    /// </summary>
    public DateTimeOffset? Newest { get; set; }

    /// <summary>Cases already spooled, by case id, with their creation time (pruned once older than any poll can return).</summary>
    public Dictionary<string, DateTimeOffset> Seen { get; init; } = new(StringComparer.Ordinal);

    /// <summary>
    /// The <c>afterTime</c> of the next poll: the overlap before the mark (<see cref="Newest"/>), or the
    /// initial look-back for an account never polled completely.
    /// </summary>
    public DateTimeOffset After(DateTimeOffset now, SupportCaseOptions options) =>
        Newest is { } newest ? newest - options.Overlap : now - options.InitialLookback;

    /// <summary>
    /// Moves the mark after a complete poll (every page read) that began at <paramref name="pollStart"/>
    /// by our clock and saw cases up to <paramref name="newestCase"/>. Our clock counts only less the
    /// overlap, so AWS's clock may run up to one overlap behind ours without a case being skipped.
    /// Never moves back.
    /// </summary>
    public void Advance(DateTimeOffset? newestCase, DateTimeOffset pollStart, TimeSpan overlap)
    {
        var mark = pollStart - overlap;
        if (newestCase > mark)
        {
            mark = newestCase.Value;
        }

        if (Newest is null || mark > Newest)
        {
            Newest = mark;
        }
    }

    /// <summary>Forgets cases created so long before <see cref="Newest"/> that no poll can return them again.</summary>
    public void Prune(TimeSpan overlap)
    {
        if (Newest is not { } newest)
        {
            return;
        }

        // An hour beyond the overlap: clocks (AWS's and ours) need not agree to the second.
        var horizon = newest - overlap - TimeSpan.FromHours(1);
        foreach (var (id, created) in Seen.ToArray())
        {
            if (created < horizon)
            {
                Seen.Remove(id);
            }
        }
    }
}

/// <summary>A case watched for its resolution.</summary>
/// <param name="Language">The language it was listed under.</param>
/// <param name="CaseJson">The case as first seen: the resolve event is decided by the same rules on the same facts, so it carries the same dedup key.</param>
internal sealed record WatchedCase(string Language, string CaseJson);
