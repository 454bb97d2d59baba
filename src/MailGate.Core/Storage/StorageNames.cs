using System.Buffers;

namespace MailGate.Core.Storage;

/// <summary>
/// The names under which pollers and features keep documents (<see cref="IPollerCursors"/>,
/// <see cref="IFeatureState"/>): checked by every backend, so that a name is never a path and means the
/// same everywhere.
/// </summary>
public static class StorageNames
{
    /// <summary>The largest cursor or feature document: 16 MiB (a support-case cursor keeps the JSON of every case it watches).</summary>
    public const int MaxDocumentBytes = 16 * 1024 * 1024;

    private static readonly SearchValues<char> NameChars = SearchValues.Create("abcdefghijklmnopqrstuvwxyz0123456789-");
    private static readonly SearchValues<char> KeyChars = SearchValues.Create("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-._");

    /// <summary>Whether <paramref name="name"/> names a poller or a feature: 1–64 lower-case letters, digits and dashes.</summary>
    public static bool IsName(string? name) => name is { Length: > 0 and <= 64 } && !name.AsSpan().ContainsAnyExcept(NameChars);

    /// <summary>Whether <paramref name="key"/> is a cursor key: 1–128 letters, digits, dots, dashes and underscores, not starting with a dot.</summary>
    public static bool IsKey(string? key) => key is { Length: > 0 and <= 128 } && key[0] != '.' && !key.AsSpan().ContainsAnyExcept(KeyChars);

    /// <summary>Throws unless <paramref name="name"/> is a name (<see cref="IsName"/>).</summary>
    /// <exception cref="ArgumentException">It is not.</exception>
    public static string CheckName(string name, string parameter) =>
        IsName(name) ? name : throw new ArgumentException($"'{name}' is not a storage name (1-64 of a-z, 0-9, -)", parameter);

    /// <summary>Throws unless <paramref name="key"/> is a key (<see cref="IsKey"/>).</summary>
    /// <exception cref="ArgumentException">It is not.</exception>
    public static string CheckKey(string key, string parameter) =>
        IsKey(key) ? key : throw new ArgumentException($"'{key}' is not a storage key (1-128 of A-Z, a-z, 0-9, '.', '-', '_', not starting with '.')", parameter);

    /// <summary>Throws unless <paramref name="document"/> is at most <see cref="MaxDocumentBytes"/>.</summary>
    /// <exception cref="ArgumentException">It is larger.</exception>
    public static void CheckSize(ReadOnlySpan<byte> document, string parameter)
    {
        if (document.Length > MaxDocumentBytes)
        {
            throw new ArgumentException($"a stored document holds at most {MaxDocumentBytes} bytes (this one {document.Length})", parameter);
        }
    }
}
