using MailGate.Core.Storage;
using System.Text.Json;
using System.Text.Json.Serialization;
using MailGate.Spool;

namespace MailGate.Poll;

/// <summary>Loads and durably saves each account's <see cref="CaseCursor"/>, one JSON document per account in the storage's cursors.</summary>
internal sealed class CaseCursorStore(ICursorDocuments documents)
{
    /// <summary>The poller's name in the storage (<see cref="IPollerCursors.Cursors"/>): the file spool keeps its cursors in <c>{spool}/support-cases/</c>.</summary>
    public const string Poller = "support-cases";

    /// <summary>Cursors in a folder of their own (<c>SupportCases:StatePath</c>), one <c>{account}.json</c> each.</summary>
    public CaseCursorStore(string folder)
        : this(CursorFolders.At(folder))
    {
    }

    /// <summary>Where the cursors are.</summary>
    public string Folder => documents.Location;

    /// <summary>The account's cursor; empty when the account was never polled.</summary>
    /// <exception cref="JsonException">The document is damaged (the poller reports it and does not guess).</exception>
    /// <exception cref="IOException">It cannot be read.</exception>
    public CaseCursor Load(string accountId)
    {
        if (documents.Read(accountId) is not { } document)
        {
            return new CaseCursor();
        }

        var cursor = JsonSerializer.Deserialize(document, PollJsonContext.Default.CaseCursor) ?? new CaseCursor();
        return IsWhole(cursor) ? cursor : throw new JsonException($"the cursor of account {accountId} in {Folder} has a null where a cursor, a case list or a watched case belongs");
    }

    /// <summary>Valid JSON can still hold nulls where the poller needs values: such a file is damaged, not empty.</summary>
    private static bool IsWhole(CaseCursor cursor) =>
        cursor.Languages is not null && cursor.Watched is not null
        && cursor.Languages.Values.All(l => l is not null && l.Seen is not null)
        && cursor.Watched.Values.All(w => w is not null && w.Language is not null && w.CaseJson is not null);

    /// <summary>Replaces the account's cursor atomically and durably.</summary>
    public void Save(string accountId, CaseCursor cursor) =>
        documents.Write(accountId, JsonSerializer.SerializeToUtf8Bytes(cursor, PollJsonContext.Default.CaseCursor));
}

/// <summary>Source-generated JSON for the poller's state files (readable: indented, snake_case).</summary>
[JsonSourceGenerationOptions(WriteIndented = true, PropertyNamingPolicy = JsonKnownNamingPolicy.SnakeCaseLower)]
[JsonSerializable(typeof(CaseCursor))]
internal sealed partial class PollJsonContext : JsonSerializerContext;
