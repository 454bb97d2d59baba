using System.Security.Cryptography;
using System.Text;

namespace MailGate.Storage.Postgres;

/// <summary>
/// Attacker text made safe as a PostgreSQL <c>text</c> key. PostgreSQL's <c>text</c> refuses a NUL character
/// (<c>22021 invalid byte sequence</c>) and a b-tree index refuses a row over about 2.7 KB (<c>54000 index row size
/// exceeds maximum</c>): a sender address carrying either would fail its statement on every attempt, a data error
/// that would otherwise look like an unreachable database.
/// </summary>
internal static class PostgresText
{
    /// <summary>The longest value (in UTF-16 code units) kept as it is; longer ones become their hash.</summary>
    public const int MaxKeyLength = 256;

    /// <summary>The prefix of a hashed key: <c>sha256:</c> and 64 lowercase hex digits.</summary>
    public const string HashPrefix = "sha256:";

    /// <summary>
    /// <paramref name="value"/> itself when it is at most <see cref="MaxKeyLength"/> code units of well-formed text
    /// without NUL, else <see cref="HashPrefix"/> and the SHA-256 of its UTF-8 bytes (lone surrogates as U+FFFD). The
    /// mapping is deterministic, so equal values count together on every replica; a hashed key never equals a kept
    /// one (no kept value starts with the prefix and is 71 code units of hex unless it was that hash already).
    /// </summary>
    public static string Key(string value)
    {
        ArgumentNullException.ThrowIfNull(value);
        if (value.Length <= MaxKeyLength && !value.Contains('\0', StringComparison.Ordinal) && !HasLoneSurrogate(value))
        {
            return value;
        }

        return HashPrefix + Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(value)));
    }

    private static bool HasLoneSurrogate(string value)
    {
        for (var i = 0; i < value.Length; i++)
        {
            if (char.IsHighSurrogate(value[i]) && i + 1 < value.Length && char.IsLowSurrogate(value[i + 1]))
            {
                i++;
            }
            else if (char.IsSurrogate(value[i]))
            {
                return true;
            }
        }

        return false;
    }
}
