using MimeKit.Cryptography;
using Org.BouncyCastle.Crypto;

namespace MailGate.Core.Parse.Authentication;

/// <summary>
/// One message's key lookups (DKIM and ARC, RFC 6376 §3.6.2 / RFC 8617 §5.1.1), passed through to the real
/// locator: each key is asked for once per message, temporary failures are counted (MimeKit's ARC verifier
/// hides them), the keys an offline locator did not have are listed, and more than
/// <see cref="MailAuthenticator.MaxKeyLookups"/> distinct keys are refused.
/// </summary>
internal sealed class MessageKeyLookups(IDkimPublicKeyLocator inner) : IDkimPublicKeyLocator
{
    private readonly HashSet<string> _names = new(StringComparer.OrdinalIgnoreCase);
    private readonly List<string> _missing = [];
    private readonly List<string> _used = [];
    private readonly Dictionary<string, (AsymmetricKeyParameter? Key, Exception? Error)> _outcomes = new(StringComparer.Ordinal);
    private readonly Lock _lock = new();
    private int _temporaryFailures;

    /// <summary>How many lookups failed for a temporary reason (or because the key was not cached) so far.</summary>
    public int TemporaryFailures => Volatile.Read(ref _temporaryFailures);

    /// <summary>The DNS names an offline locator did not have (<see cref="AuthenticationFacts.MissingKeys"/>).</summary>
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

    /// <summary>The DNS names of the keys found (<see cref="AuthenticationFacts.KeysUsed"/>).</summary>
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

    /// <inheritdoc/>
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

    /// <inheritdoc/>
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
        var key = DkimKeyNames.Format(domain, selector);
        lock (_lock)
        {
            if (!_names.Contains(key) && _names.Count >= MailAuthenticator.MaxKeyLookups)
            {
                throw new DkimKeyNotFoundException($"{key}: not looked up: more than {MailAuthenticator.MaxKeyLookups} keys in one message");
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
