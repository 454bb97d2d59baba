using MimeKit.Cryptography;
using Org.BouncyCastle.Crypto;

namespace MailGate.Core.Parse.Authentication;

/// <summary>Answers DKIM key lookups from a <see cref="DkimKeyCache"/> only (see <see cref="DnsDkimPublicKeyLocator.Offline"/>).</summary>
internal sealed class OfflineDkimPublicKeyLocator(DkimKeyCache cache) : IDkimPublicKeyLocator
{
    /// <inheritdoc/>
    /// <exception cref="DkimKeyNotCachedException">The key is not in the cache (nothing was asked of DNS).</exception>
    public AsymmetricKeyParameter LocatePublicKey(string methods, string domain, string selector, CancellationToken cancellationToken = default)
    {
        var name = DkimKeyNames.NameOf(methods, domain, selector);
        return cache.Usable(name) is { } usable ? usable.KeyOrThrow() : throw new DkimKeyNotCachedException(name);
    }

    /// <inheritdoc/>
    public Task<AsymmetricKeyParameter> LocatePublicKeyAsync(string methods, string domain, string selector, CancellationToken cancellationToken = default) =>
        Task.FromResult(LocatePublicKey(methods, domain, selector, cancellationToken));
}
