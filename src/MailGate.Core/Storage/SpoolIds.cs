using System.Security.Cryptography;

namespace MailGate.Core.Storage;

/// <summary>
/// Makes spool ids: 12 hex digits of milliseconds since the Unix epoch, a dash, 8 random hex
/// digits (e.g. <c>019a7f3c2b10-5e0c9a1f</c>). Sorting ids sorts messages by arrival; the random part
/// keeps ids unique across concurrent sessions. Nothing in an id comes from the message.
/// </summary>
public static class SpoolIds
{
    private static readonly System.Buffers.SearchValues<char> LowerHex = System.Buffers.SearchValues.Create("0123456789abcdef");

    /// <summary>A new id for a message received at <paramref name="now"/>.</summary>
    public static string New(DateTimeOffset now)
    {
        Span<byte> random = stackalloc byte[4];
        RandomNumberGenerator.Fill(random);
        return $"{now.ToUnixTimeMilliseconds():x12}-{Convert.ToHexStringLower(random)}";
    }

    /// <summary>When the message with id <paramref name="id"/> was received (to the millisecond); <paramref name="id"/> must be valid (<see cref="IsValid"/>).</summary>
    public static DateTimeOffset ReceivedAt(string id)
    {
        ArgumentNullException.ThrowIfNull(id);
        return DateTimeOffset.FromUnixTimeMilliseconds(long.Parse(id.AsSpan(0, 12), System.Globalization.NumberStyles.HexNumber, System.Globalization.CultureInfo.InvariantCulture));
    }

    /// <summary>
    /// Whether <paramref name="value"/> has the shape of a spool id (guards paths built from ids): 12 lower-case
    /// hex digits no later than the last millisecond of year 9999 (so <see cref="ReceivedAt"/> always has an
    /// answer), a dash, 8 lower-case hex digits.
    /// </summary>
    public static bool IsValid(string value) =>
        value is { Length: 21 }
        && value[12] == '-'
        && value.AsSpan(0, 12).ContainsAnyExcept(LowerHex) is false
        && value.AsSpan(13).ContainsAnyExcept(LowerHex) is false
        && value.AsSpan(0, 12).SequenceCompareTo(LatestTime) <= 0;

    /// <summary>The largest time part: <see cref="DateTimeOffset.MaxValue"/> in Unix milliseconds, 253,402,300,799,999.</summary>
    private static ReadOnlySpan<char> LatestTime => "e677d21fdbff";
}
