using MimeKit;
using MimeKit.Cryptography;

namespace MailGate.Core.Parse.Authentication;

/// <summary>
/// Verifies a message's DKIM signatures and ARC chain with MimeKit, and — only when the chain passes —
/// reads Google's verdict on the original author. Never throws for what is in the message: every
/// outcome is mapped to an <see cref="AuthOutcome"/>.
/// </summary>
/// <remarks>
/// <para>
/// DKIM, per DKIM-Signature header: valid → Pass; body or header changed, wrong key, or a disabled
/// algorithm (RSA-SHA1 stays disabled, as MimeKit ships it) → Fail; malformed header, no such key,
/// revoked or unusable key → PermError; a temporary key lookup failure (<see cref="DkimKeyTemporaryException"/>)
/// → TempError. MimeKit checks neither <c>x=</c> expiry nor DMARC alignment, and honours <c>l=</c>: a
/// Pass says the signed part is intact, not that the message is the domain's in full.
/// </para>
/// <para>
/// ARC: MimeKit's verifier swallows every exception into a failed chain, so the locator is wrapped to
/// notice a temporary lookup failure; a chain that failed with one is reported as TempError. The chain
/// is checked before the DKIM signatures, so that the lookups it needs come first within
/// <see cref="MaxKeyLookups"/>.
/// </para>
/// <para>
/// Bounded for hostile headers: at most <see cref="MaxDkimSignatures"/> signatures,
/// <see cref="MaxArcSets"/> ARC sets and <see cref="MaxKeyLookups"/> distinct keys per message, each key
/// asked for once. With a locator that answers only from a cache (<see cref="DnsDkimPublicKeyLocator.Offline"/>)
/// nothing waits on DNS, and the keys it did not have are listed in <see cref="AuthenticationFacts.MissingKeys"/>.
/// A signature (or ARC chain) whose key is not at hand is reported without hashing anything, and the body is
/// hashed for DKIM signatures only up to <see cref="MaxDkimBodyBytes"/> in all (each signature hashes the
/// body again: ten signatures on a 24 MB message cost 3 s of CPU).
/// </para>
/// </remarks>
public sealed class MailAuthenticator
{
    /// <summary>The most DKIM signatures checked per message (each may cost DNS lookups); the rest are PermError.</summary>
    public const int MaxDkimSignatures = 10;

    /// <summary>
    /// The most ARC sets (instances) a chain may have to be checked; a longer chain is PermError without
    /// any lookup. Google Groups add one set per group a message passes through; RFC 8617 allows 50.
    /// </summary>
    public const int MaxArcSets = 8;

    /// <summary>The most distinct keys (selector and domain) looked up per message; further ones are PermError.</summary>
    public const int MaxKeyLookups = 16;

    /// <summary>
    /// The most body bytes hashed for DKIM signatures per message, counting each checked signature's body
    /// (its <c>l=</c>, else the whole body); the first signature is always checked, later ones that would go
    /// past this are PermError. 64 MiB: every signature of mail up to 6 MiB, two of a 25 MiB message.
    /// </summary>
    public const long MaxDkimBodyBytes = 64L * 1024 * 1024;

    private readonly IDkimPublicKeyLocator _locator;
    private readonly long _maxDkimBodyBytes;

    /// <summary>Creates an authenticator that finds keys with <paramref name="locator"/> (in production a <see cref="DnsDkimPublicKeyLocator"/>).</summary>
    /// <param name="locator">Where keys come from.</param>
    /// <param name="maxDkimBodyBytes">The DKIM hashing budget per message (<see cref="MaxDkimBodyBytes"/>; smaller in tests).</param>
    public MailAuthenticator(IDkimPublicKeyLocator locator, long maxDkimBodyBytes = MaxDkimBodyBytes)
    {
        ArgumentNullException.ThrowIfNull(locator);
        ArgumentOutOfRangeException.ThrowIfNegative(maxDkimBodyBytes);
        _locator = locator;
        _maxDkimBodyBytes = maxDkimBodyBytes;
    }

    /// <summary>Verifies <paramref name="message"/>, which must be loaded as received (persistent load, raw headers).</summary>
    /// <exception cref="OperationCanceledException"><paramref name="cancellationToken"/> was cancelled.</exception>
    public async Task<AuthenticationFacts> VerifyAsync(MimeMessage message, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(message);
        var keys = new MessageKeyLookups(_locator);
        var (arc, sealer, original) = await ArcChainCheck.VerifyAsync(message, keys, cancellationToken).ConfigureAwait(false);
        var dkim = await new DkimSignatureChecks(keys, _maxDkimBodyBytes).VerifyAsync(message, cancellationToken).ConfigureAwait(false);
        return new AuthenticationFacts { Arc = arc, ArcSealer = sealer, Dkim = dkim, Original = original, MissingKeys = keys.Missing, KeysUsed = keys.Used };
    }
}
