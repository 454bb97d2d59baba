using System.Text.Json;
using System.Text.Json.Serialization;
using MailGate.Core.Storage;

namespace MailGate.HealthEvents;

/// <summary>
/// What the Health poller remembers, persisted (one document, <c>cursor</c>, in the storage's cursors of
/// <see cref="HealthCursorStore.Poller"/>: the file spool's <c>{spool}/health-events/cursor.json</c>, or
/// PostgreSQL's cursor table) so that a restart, or a poll that failed or ran late, misses nothing.
/// </summary>
internal sealed class HealthCursor
{
    /// <summary>The high-water mark on <c>lastUpdatedTime</c>: the newest seen or, when later, the start of the last complete poll less the overlap; null before the first complete poll.</summary>
    public DateTimeOffset? Newest { get; set; }

    /// <summary>(event, account) pairs already spooled, by <c>HealthEvent.Identity</c>.</summary>
    public Dictionary<string, TakenEvent> Taken { get; init; } = new(StringComparer.Ordinal);

    /// <summary>The <c>lastUpdatedTime.from</c> of the next poll.</summary>
    public DateTimeOffset From(DateTimeOffset now, HealthOptions options) =>
        Newest is { } newest ? newest - options.Overlap : now - options.InitialLookback;

    /// <summary>Moves the mark after a complete poll begun at <paramref name="pollStart"/> (never back); forgets pairs last updated long before it.</summary>
    public void Advance(DateTimeOffset? newestUpdate, DateTimeOffset pollStart, TimeSpan overlap)
    {
        var mark = pollStart - overlap;
        if (newestUpdate > mark)
        {
            mark = newestUpdate.Value;
        }

        if (Newest is null || mark > Newest)
        {
            Newest = mark;
        }

        // An hour beyond the overlap: clocks need not agree to the second. A pair forgotten and updated later is
        // spooled again, and the delivery ledger (one trigger per event and account) keeps it from paging twice.
        var horizon = Newest.Value - overlap - TimeSpan.FromHours(1);
        foreach (var (identity, taken) in Taken.ToArray())
        {
            if (taken.LastUpdated < horizon)
            {
                Taken.Remove(identity);
            }
        }
    }
}

/// <summary>One (event, account) pair taken.</summary>
/// <param name="LastUpdated">The event's <c>lastUpdatedTime</c> when last seen.</param>
/// <param name="Resolved">Whether its <c>resolve</c> was spooled (<see cref="HealthOptions.ResolveEvents"/>).</param>
internal sealed record TakenEvent(DateTimeOffset LastUpdated, bool Resolved);

/// <summary>Loads and durably saves the <see cref="HealthCursor"/>.</summary>
internal sealed class HealthCursorStore(ICursorDocuments documents)
{
    /// <summary>The poller's name in the storage and its leadership role.</summary>
    public const string Poller = "health-events";

    private const string Key = "cursor";

    /// <summary>Where the cursor is.</summary>
    public string Location => documents.Location;

    /// <summary>The cursor; empty when never saved.</summary>
    /// <exception cref="JsonException">The document is damaged.</exception>
    public HealthCursor Load()
    {
        var cursor = documents.Read(Key) is { } document ? JsonSerializer.Deserialize(document, HealthJsonContext.Default.HealthCursor) : null;
        return cursor is null ? new HealthCursor()
            : cursor.Taken is null || cursor.Taken.Values.Any(t => t is null) ? throw new JsonException($"the Health cursor in {Location} has a null where a value belongs")
            : cursor;
    }

    /// <summary>Replaces the cursor atomically and durably.</summary>
    public void Save(HealthCursor cursor) => documents.Write(Key, JsonSerializer.SerializeToUtf8Bytes(cursor, HealthJsonContext.Default.HealthCursor));
}

/// <summary>Source-generated JSON for the Health cursor (indented, snake_case).</summary>
[JsonSourceGenerationOptions(WriteIndented = true, PropertyNamingPolicy = JsonKnownNamingPolicy.SnakeCaseLower)]
[JsonSerializable(typeof(HealthCursor))]
internal sealed partial class HealthJsonContext : JsonSerializerContext;
