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
        var keys = new KeyLookups(_locator);
        var (arc, sealer, original) = await VerifyArcAsync(message, keys, cancellationToken).ConfigureAwait(false);
        var dkim = new List<DkimResult>();
        var verifier = new DkimVerifier(keys);
        verifier.Disable(DkimSignatureAlgorithm.RsaSha1);
        long? bodyLength = null;
        long hashed = 0;
        foreach (var header in message.Headers.Where(h => h.Id == HeaderId.DkimSignature).ToList())
        {
            if (dkim.Count >= MaxDkimSignatures)
            {
                dkim.Add(Result(header, AuthOutcome.PermError, $"not checked: more than {MaxDkimSignatures} signatures"));
            }
            else if (await KeyProblemAsync(keys, header, cancellationToken).ConfigureAwait(false) is { } problem)
            {
                dkim.Add(Result(header, problem.Outcome, problem.Detail)); // nothing hashed for a signature that cannot pass now
            }
            else
            {
                bodyLength ??= await BodyLengthAsync(message, cancellationToken).ConfigureAwait(false);
                var cost = long.TryParse(SignatureTags.Get(header.Value, "l"), out var length) && length >= 0 && length < bodyLength ? length : bodyLength.Value;
                if (hashed > 0 && hashed + cost > _maxDkimBodyBytes)
                {
                    dkim.Add(Result(header, AuthOutcome.PermError, $"not checked: the body was hashed for the signatures before it ({hashed} bytes; at most {_maxDkimBodyBytes} a message)"));
                    continue;
                }

                hashed += cost;
                dkim.Add(await VerifyDkimAsync(verifier, message, header, cancellationToken).ConfigureAwait(false));
            }
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
        catch (FormatException e)
        {
            return Result(header, AuthOutcome.PermError, "malformed DKIM-Signature: " + e.Message);
        }
        catch (Exception e)
        {
            var (outcome, detail) = Classify(e);
            return Result(header, outcome, detail);
        }
    }

    /// <summary>
    /// What a key lookup's failure means: a temporary one (a timeout, SERVFAIL, a key not looked up yet, a
    /// lookup that timed out on its own) is TempError; anything else — no such key, revoked or unusable key,
    /// BouncyCastle's errors for a malformed key — is PermError: asking again does not fix it.
    /// </summary>
    private static (AuthOutcome Outcome, string Detail) Classify(Exception e) => e switch
    {
        DkimKeyTemporaryException or DkimKeyNotCachedException or OperationCanceledException => (AuthOutcome.TempError, e.Message),
        DkimKeyNotFoundException => (AuthOutcome.PermError, e.Message),
        _ => (AuthOutcome.PermError, $"{e.GetType().Name}: {e.Message}"),
    };

    /// <summary>Looks up the key <paramref name="header"/> names (once per message); why it cannot be used, or null when it is at hand.</summary>
    private static async Task<(AuthOutcome Outcome, string Detail)?> KeyProblemAsync(KeyLookups keys, Header header, CancellationToken cancellationToken)
    {
        try
        {
            await keys.LocatePublicKeyAsync(SignatureTags.Get(header.Value, "q"), SignatureTags.Get(header.Value, "d"), SignatureTags.Get(header.Value, "s"), cancellationToken).ConfigureAwait(false);
            return null;
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            throw;
        }
#pragma warning disable CA1031 // Every lookup failure is an outcome of the check, never an error of the gateway.
        catch (Exception e)
#pragma warning restore CA1031
        {
            return Classify(e);
        }
    }

    /// <summary>The length of the message's body as received (what a signature without <c>l=</c> hashes, before canonicalization).</summary>
    private static async Task<long> BodyLengthAsync(MimeMessage message, CancellationToken cancellationToken)
    {
        if (message.Body is null)
        {
            return 0;
        }

        var counter = new CountingStream();
        await using (counter.ConfigureAwait(false))
        {
            await message.Body.WriteToAsync(FormatOptions.Default, counter, contentOnly: true, cancellationToken).ConfigureAwait(false);
            return counter.Length;
        }
    }

    private static async Task<(AuthOutcome Arc, string Sealer, OriginalAuthentication? Original)> VerifyArcAsync(MimeMessage message, KeyLookups keys, CancellationToken cancellationToken)
    {
        if (message.Headers.Count(h => h.Id == HeaderId.ArcSeal) > MaxArcSets)
        {
            return (AuthOutcome.PermError, "", null); // not checked: each set costs a lookup
        }

        // The chain's keys first: one not at hand (or failing for now) makes the chain TempError, with nothing hashed.
        foreach (var header in message.Headers.Where(h => h.Id is HeaderId.ArcSeal or HeaderId.ArcMessageSignature).ToList())
        {
            if (await KeyProblemAsync(keys, header, cancellationToken).ConfigureAwait(false) is { Outcome: AuthOutcome.TempError })
            {
                return (AuthOutcome.TempError, "", null);
            }
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
        private readonly Dictionary<string, (AsymmetricKeyParameter? Key, Exception? Error)> _outcomes = new(StringComparer.Ordinal);
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
            if (Remembered(methods, name) is { } known)
            {
                return known.Key ?? throw known.Error!;
            }

            try
            {
                return Found(methods, name, inner.LocatePublicKey(methods, domain, selector, cancellationToken));
            }
            catch (Exception e) when (Noted(methods, name, e))
            {
                throw;
            }
        }

        public async Task<AsymmetricKeyParameter> LocatePublicKeyAsync(string methods, string domain, string selector, CancellationToken cancellationToken = default)
        {
            var name = Count(domain, selector);
            if (Remembered(methods, name) is { } known)
            {
                return known.Key ?? throw known.Error!;
            }

            try
            {
                return Found(methods, name, await inner.LocatePublicKeyAsync(methods, domain, selector, cancellationToken).ConfigureAwait(false));
            }
            catch (Exception e) when (Noted(methods, name, e))
            {
                throw;
            }
        }

        /// <summary>What an earlier lookup of the same key for this message found: each key is asked for once.</summary>
        private (AsymmetricKeyParameter? Key, Exception? Error)? Remembered(string? methods, string name)
        {
            lock (_lock)
            {
                return _outcomes.TryGetValue(MemoKey(methods, name), out var outcome) ? outcome : null;
            }
        }

        /// <summary>The memo's key: the query methods (<c>q=</c>, absent meaning <c>dns/txt</c>, RFC 6376 §3.5) and the name.</summary>
        private static string MemoKey(string? methods, string name) =>
            $"{(string.IsNullOrWhiteSpace(methods) ? "dns/txt" : methods.Trim().ToLowerInvariant())}|{name}";

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

        private AsymmetricKeyParameter Found(string? methods, string name, AsymmetricKeyParameter key)
        {
            lock (_lock)
            {
                _outcomes[MemoKey(methods, name)] = (key, null);
                if (!_used.Contains(name, StringComparer.Ordinal))
                {
                    _used.Add(name);
                }
            }

            return key;
        }

        /// <summary>Records what <paramref name="e"/> says; always false (an exception filter that only looks).</summary>
        private bool Noted(string? methods, string name, Exception e)
        {
            if (e is not OperationCanceledException)
            {
                lock (_lock)
                {
                    _outcomes[MemoKey(methods, name)] = (null, e);
                }
            }

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

    /// <summary>A write-only stream that only counts what is written to it.</summary>
    private sealed class CountingStream : Stream
    {
        private long _length;

        public override bool CanRead => false;

        public override bool CanSeek => false;

        public override bool CanWrite => true;

        public override long Length => _length;

        public override long Position
        {
            get => _length;
            set => throw new NotSupportedException();
        }

        public override void Flush()
        {
        }

        public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();

        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

        public override void SetLength(long value) => throw new NotSupportedException();

        public override void Write(byte[] buffer, int offset, int count) => _length += count;

        public override void Write(ReadOnlySpan<byte> buffer) => _length += buffer.Length;

        public override Task WriteAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken)
        {
            _length += count;
            return Task.CompletedTask;
        }

        public override ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default)
        {
            _length += buffer.Length;
            return ValueTask.CompletedTask;
        }
    }
}
