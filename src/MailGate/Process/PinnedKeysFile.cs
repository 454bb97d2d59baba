using MailGate.Core.Storage;
using System.Text.Json;

namespace MailGate.Process;

/// <summary>
/// The names of the pinned DKIM/ARC keys (those that verified trusted mail), kept in the storage as the
/// feature state <c>pinned-keys</c> (the file spool: <c>pinned-keys.json</c>) so that a restart does not forget
/// them: after a restart, as before it, a genuine page whose keys lie in those domains is looked up first,
/// ahead of any flood of hostile mail, and the keys are looked up again at once. Only names are kept, never
/// keys: the keys come from DNS.
/// </summary>
/// <remarks>
/// A missing or damaged document is an empty list (it is only a head start); a failed write is logged and
/// tried again at the next pin. Written atomically and durably by the storage.
/// </remarks>
internal sealed class PinnedKeysFile(IFeatureState state)
{
    /// <summary>The feature's name in the storage.</summary>
    public const string Feature = "pinned-keys";

    /// <summary>The file's name in the file spool's root folder.</summary>
    public const string FileName = Feature + ".json";

    /// <summary>The most names kept (as many as the locator pins).</summary>
    private const int MaxNames = 256;

    /// <summary>The names saved last, or none when there is no usable document.</summary>
    public IReadOnlyList<string> Load()
    {
        try
        {
            if (state.ReadFeatureState(Feature) is { Length: <= 64 * 1024 } document
                && JsonSerializer.Deserialize(document, PinnedKeysJsonContext.Default.StringArray) is { } names)
            {
                return [.. names.Where(IsKeyName).Take(MaxNames)];
            }
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or JsonException)
        {
            // Only a head start: without it, keys are pinned again by the next trusted mail.
        }

        return [];
    }

    /// <summary>Replaces the saved names with <paramref name="names"/>.</summary>
    /// <exception cref="IOException">The storage refused the write.</exception>
    /// <exception cref="UnauthorizedAccessException">The storage refused the write.</exception>
    public void Save(IEnumerable<string> names) =>
        state.WriteFeatureState(Feature, JsonSerializer.SerializeToUtf8Bytes(names.Take(MaxNames).ToArray(), PinnedKeysJsonContext.Default.StringArray));

    /// <summary>A DKIM key's DNS name as the locator keeps it: <c>{selector}._domainkey.{domain}</c>, lower case, no odd characters.</summary>
    private static bool IsKeyName(string? name) =>
        name is { Length: > 0 and <= 253 } && name.Contains("._domainkey.", StringComparison.Ordinal)
        && name.All(c => c is (>= 'a' and <= 'z') or (>= '0' and <= '9') or '.' or '-' or '_');
}

/// <summary>Source-generated JSON for <see cref="PinnedKeysFile"/>'s document: an array of key names.</summary>
[System.Text.Json.Serialization.JsonSerializable(typeof(string[]))]
internal sealed partial class PinnedKeysJsonContext : System.Text.Json.Serialization.JsonSerializerContext;
