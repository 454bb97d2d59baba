using Org.BouncyCastle.Crypto;

namespace MailGate.Core.Parse.Authentication;

/// <summary>
/// A cached DKIM key lookup: the key, or why there is none (permanent or temporary). <paramref name="Expires"/>
/// is a <see cref="TimeProvider.GetTimestamp"/> value (monotonic clock).
/// </summary>
internal sealed record DkimKeyCacheEntry(AsymmetricKeyParameter? Key, string? Failure, bool IsTemporary, long Expires)
{
    /// <summary>A key found in DNS.</summary>
    public static DkimKeyCacheEntry Found(AsymmetricKeyParameter key, long expires) => new(key, null, false, expires);

    /// <summary>A key that does not exist or cannot be used: asking again does not help.</summary>
    public static DkimKeyCacheEntry Failed(string failure, long expires) => new(null, failure, false, expires);

    /// <summary>A lookup that failed for now: asking again later may help.</summary>
    public static DkimKeyCacheEntry Temporary(string failure, long expires) => new(null, failure, true, expires);

    /// <summary>The <see cref="TimeProvider.GetTimestamp"/> value <paramref name="duration"/> from now on <paramref name="timeProvider"/>.</summary>
    public static long ExpiresAfter(TimeProvider timeProvider, TimeSpan duration) =>
        timeProvider.GetTimestamp() + (long)(duration.TotalSeconds * timeProvider.TimestampFrequency);

    /// <summary>The key; else throws <see cref="DkimKeyTemporaryException"/> or <see cref="DkimKeyNotFoundException"/> with the failure.</summary>
    public AsymmetricKeyParameter KeyOrThrow() =>
        Key ?? throw (IsTemporary ? new DkimKeyTemporaryException(Failure!) : new DkimKeyNotFoundException(Failure!));
}
