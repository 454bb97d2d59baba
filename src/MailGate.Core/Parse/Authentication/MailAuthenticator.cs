using MimeKit;
using MimeKit.Cryptography;
using Org.BouncyCastle.Crypto;

namespace MailGate.Parse.Authentication;

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
/// <see cref="MaxArcSets"/> ARC sets and <see cref="MaxKeyLookups"/> distinct keys per message. With a
/// locator that answers only from a cache (<see cref="DnsDkimPublicKeyLocator.Offline"/>) nothing waits on
/// DNS, and the keys it did not have are listed in <see cref="AuthenticationFacts.MissingKeys"/>.
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

    private readonly IDkimPublicKeyLocator _locator;

    /// <summary>Creates an authenticator that finds keys with <paramref name="locator"/> (in production a <see cref="DnsDkimPublicKeyLocator"/>).</summary>
    public MailAuthenticator(IDkimPublicKeyLocator locator)
    {
        ArgumentNullException.ThrowIfNull(locator);
        _locator = locator;
    }

    /// <summary>Verifies <paramref name="message"/>, which must be loaded as received (persistent load, raw headers).</summary>
    /// <exception cref="OperationCanceledException"><paramref name="cancellationToken"/> was cancelled.</exception>
    public async Task<AuthenticationFacts> VerifyAsync(MimeMessage message, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(message);
        var keys = new KeyLookups(_locator);
        var (arc, sealer, original) = await VerifyArcAsync(message, keys, cancellationToken).ConfigureAwait(false);
        var dkim = new List<DkimResult>();
        var verifier = new DkimVerifier(keys);
        verifier.Disable(DkimSignatureAlgorithm.RsaSha1);
        foreach (var header in message.Headers.Where(h => h.Id == HeaderId.DkimSignature).ToList())
        {
            dkim.Add(dkim.Count < MaxDkimSignatures
                ? await VerifyDkimAsync(verifier, message, header, cancellationToken).ConfigureAwait(false)
                : Result(header, AuthOutcome.PermError, $"not checked: more than {MaxDkimSignatures} signatures"));
        }

        return new AuthenticationFacts { Arc = arc, ArcSealer = sealer, Dkim = dkim, Original = original, MissingKeys = keys.Missing, KeysUsed = keys.Used };
    }

    private static async Task<DkimResult> VerifyDkimAsync(DkimVerifier verifier, MimeMessage message, Header header, CancellationToken cancellationToken)
    {
        try
        {
            if (await verifier.VerifyAsync(message, header, cancellationToken).ConfigureAwait(false))
            {
                return Result(header, AuthOutcome.Pass);
            }

            var algorithm = SignatureTags.Get(header.Value, "a");
            return algorithm.Equals("rsa-sha1", StringComparison.OrdinalIgnoreCase)
                ? Result(header, AuthOutcome.Fail, "rsa-sha1 is not accepted")
                : Result(header, AuthOutcome.Fail, "the body hash or the signature does not verify (changed in transit, or not signed by this key)");
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            throw;
        }
        catch (DkimKeyTemporaryException e)
        {
            return Result(header, AuthOutcome.TempError, e.Message);
        }
        catch (DkimKeyNotCachedException e)
        {
            return Result(header, AuthOutcome.TempError, e.Message);
        }
        catch (DkimKeyNotFoundException e)
        {
            return Result(header, AuthOutcome.PermError, e.Message);
        }
        catch (FormatException e)
        {
            return Result(header, AuthOutcome.PermError, "malformed DKIM-Signature: " + e.Message);
        }
        catch (OperationCanceledException e)
        {
            // A lookup that timed out on its own, not our cancellation.
            return Result(header, AuthOutcome.TempError, e.Message);
        }
        catch (Exception e)
        {
            // ArgumentException (revoked key, empty p=), ParseException (unusable key record) from other
            // locators, BouncyCastle errors for a malformed key or signature: nothing that asking again fixes.
            return Result(header, AuthOutcome.PermError, $"{e.GetType().Name}: {e.Message}");
        }
    }

    private static async Task<(AuthOutcome Arc, string Sealer, OriginalAuthentication? Original)> VerifyArcAsync(MimeMessage message, KeyLookups keys, CancellationToken cancellationToken)
    {
        if (message.Headers.Count(h => h.Id == HeaderId.ArcSeal) > MaxArcSets)
        {
            return (AuthOutcome.PermError, "", null); // not checked: each set costs a lookup
        }

        var temporaryBefore = keys.TemporaryFailures;
        ArcValidationResult result;
        try
        {
            result = await new ArcVerifier(keys).VerifyAsync(message, cancellationToken).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            throw;
        }
        catch (Exception)
        {
            // The verifier catches per signature; anything escaping it is a chain it could not read.
            return (AuthOutcome.Fail, "", null);
        }

        // The verifier swallows cancellation into a failed chain.
        cancellationToken.ThrowIfCancellationRequested();
        switch (result.Chain)
        {
            case ArcSignatureValidationResult.None:
                return (AuthOutcome.None, "", null);
            case ArcSignatureValidationResult.Pass when result.Seals is { Length: > 0 } seals:
                var domains = seals.Select(s => SignatureTags.Get(s.Header.Value, "d").ToLowerInvariant()).ToArray();
                return (AuthOutcome.Pass, domains[^1], OriginalAuthenticationReader.Read(message.Headers, domains));
            default:
                return (keys.TemporaryFailures > temporaryBefore ? AuthOutcome.TempError : AuthOutcome.Fail, "", null);
        }
    }

    private static DkimResult Result(Header header, AuthOutcome outcome, string? detail = null) =>
        new(SignatureTags.Get(header.Value, "d").ToLowerInvariant(), SignatureTags.Get(header.Value, "s"), outcome, detail);

    /// <summary>
    /// Passes one message's lookups through: counts temporary failures (MimeKit's ARC verifier hides
    /// them), lists the keys an offline locator did not have, and refuses more than
    /// <see cref="MaxKeyLookups"/> distinct keys.
    /// </summary>
    private sealed class KeyLookups(IDkimPublicKeyLocator inner) : IDkimPublicKeyLocator
    {
        private readonly HashSet<string> _names = new(StringComparer.OrdinalIgnoreCase);
        private readonly List<string> _missing = [];
        private readonly List<string> _used = [];
        private readonly Lock _lock = new();
        private int _temporaryFailures;

        public int TemporaryFailures => Volatile.Read(ref _temporaryFailures);

        public IReadOnlyList<string> Missing
        {
            get
            {
                lock (_lock)
                {
                    return _missing.Count == 0 ? AuthenticationFacts.NotChecked.MissingKeys : [.. _missing];
                }
            }
        }

        public IReadOnlyList<string> Used
        {
            get
            {
                lock (_lock)
                {
                    return _used.Count == 0 ? AuthenticationFacts.NotChecked.KeysUsed : [.. _used];
                }
            }
        }

        public AsymmetricKeyParameter LocatePublicKey(string methods, string domain, string selector, CancellationToken cancellationToken = default)
        {
            var name = Count(domain, selector);
            try
            {
                return Found(name, inner.LocatePublicKey(methods, domain, selector, cancellationToken));
            }
            catch (Exception e) when (Noted(e))
            {
                throw;
            }
        }

        public async Task<AsymmetricKeyParameter> LocatePublicKeyAsync(string methods, string domain, string selector, CancellationToken cancellationToken = default)
        {
            var name = Count(domain, selector);
            try
            {
                return Found(name, await inner.LocatePublicKeyAsync(methods, domain, selector, cancellationToken).ConfigureAwait(false));
            }
            catch (Exception e) when (Noted(e))
            {
                throw;
            }
        }

        private string Count(string domain, string selector)
        {
            var key = $"{selector?.Trim()}._domainkey.{domain?.Trim().TrimEnd('.')}".ToLowerInvariant();
            lock (_lock)
            {
                if (!_names.Contains(key) && _names.Count >= MaxKeyLookups)
                {
                    throw new DkimKeyNotFoundException($"{key}: not looked up: more than {MaxKeyLookups} keys in one message");
                }

                _names.Add(key);
            }

            return key;
        }

        private AsymmetricKeyParameter Found(string name, AsymmetricKeyParameter key)
        {
            lock (_lock)
            {
                if (!_used.Contains(name, StringComparer.Ordinal))
                {
                    _used.Add(name);
                }
            }

            return key;
        }

        /// <summary>Records what <paramref name="e"/> says; always false (an exception filter that only looks).</summary>
        private bool Noted(Exception e)
        {
            switch (e)
            {
                case DkimKeyTemporaryException:
                    Interlocked.Increment(ref _temporaryFailures);
                    break;
                case DkimKeyNotCachedException notCached:
                    Interlocked.Increment(ref _temporaryFailures);
                    lock (_lock)
                    {
                        if (!_missing.Contains(notCached.Name, StringComparer.OrdinalIgnoreCase))
                        {
                            _missing.Add(notCached.Name);
                        }
                    }

                    break;
            }

            return false;
        }
    }
}
