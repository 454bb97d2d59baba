using System.Text.Json;
using System.Text.Json.Serialization;
using MailGate.Spool;

namespace MailGate.Poll;

/// <summary>Loads and durably saves each account's <see cref="CaseCursor"/>, one JSON file per account.</summary>
internal sealed class CaseCursorStore
{
    public CaseCursorStore(string folder)
    {
        Folder = folder;
        Directory.CreateDirectory(folder);
    }

    /// <summary>Where the cursor files are.</summary>
    public string Folder { get; }

    /// <summary>The account's cursor; empty when the account was never polled.</summary>
    /// <exception cref="JsonException">The file is damaged (the poller reports it and does not guess).</exception>
    public CaseCursor Load(string accountId)
    {
        var path = PathOf(accountId);
        if (!File.Exists(path))
        {
            return new CaseCursor();
        }

        using var stream = File.OpenRead(path);
        var cursor = JsonSerializer.Deserialize(stream, PollJsonContext.Default.CaseCursor) ?? new CaseCursor();
        return IsWhole(cursor) ? cursor : throw new JsonException($"{path} has a null where a cursor, a case list or a watched case belongs");
    }

    /// <summary>Valid JSON can still hold nulls where the poller needs values: such a file is damaged, not empty.</summary>
    private static bool IsWhole(CaseCursor cursor) =>
        cursor.Languages is not null && cursor.Watched is not null
        && cursor.Languages.Values.All(l => l is not null && l.Seen is not null)
        && cursor.Watched.Values.All(w => w is not null && w.Language is not null && w.CaseJson is not null);

    /// <summary>Replaces the account's cursor atomically and durably.</summary>
    public void Save(string accountId, CaseCursor cursor) =>
        DurableFile.Replace(PathOf(accountId), JsonSerializer.SerializeToUtf8Bytes(cursor, PollJsonContext.Default.CaseCursor));

    private string PathOf(string accountId) => Path.Combine(Folder, accountId + ".json");
}

/// <summary>Source-generated JSON for the poller's state files (readable: indented, snake_case).</summary>
[JsonSourceGenerationOptions(WriteIndented = true, PropertyNamingPolicy = JsonKnownNamingPolicy.SnakeCaseLower)]
[JsonSerializable(typeof(CaseCursor))]
internal sealed partial class PollJsonContext : JsonSerializerContext;
