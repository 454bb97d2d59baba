using MailGate.Core.Parse.Authentication;
using MailGate.Tests.Shared;
using MimeKit.Cryptography;
using Org.BouncyCastle.Crypto;

namespace MailGate.Core.Tests.Parse.Authentication.Support;

/// <summary>Serves TXT records from a dictionary, or throws what a name is set to throw; counts lookups.</summary>
internal sealed class InMemoryKeyLocator : DkimPublicKeyLocatorBase
{
    private readonly Dictionary<string, string> _records = new(StringComparer.OrdinalIgnoreCase);
    private readonly Dictionary<string, Func<Exception>> _failures = new(StringComparer.OrdinalIgnoreCase);

    public int Lookups { get; private set; }

    /// <summary>Publishes <paramref name="keys"/>' public key at <c>{selector}._domainkey.{domain}</c>.</summary>
    public InMemoryKeyLocator Publish(string domain, string selector, AsymmetricCipherKeyPair keys) =>
        PublishTxt(domain, selector, TestKeys.TxtRecord(keys.Public));

    public InMemoryKeyLocator PublishTxt(string domain, string selector, string txt)
    {
        _records[$"{selector}._domainkey.{domain}"] = txt;
        return this;
    }

    public InMemoryKeyLocator Fail(string domain, string selector, Func<Exception> failure)
    {
        _failures[$"{selector}._domainkey.{domain}"] = failure;
        return this;
    }

    public override AsymmetricKeyParameter LocatePublicKey(string methods, string domain, string selector, CancellationToken cancellationToken = default)
    {
        Lookups++;
        var name = $"{selector}._domainkey.{domain}";
        if (_failures.TryGetValue(name, out var failure))
        {
            throw failure();
        }

        return _records.TryGetValue(name, out var txt)
            ? GetPublicKey(txt)
            : throw new DkimKeyNotFoundException($"{name}: no such name (NXDOMAIN)");
    }

    public override Task<AsymmetricKeyParameter> LocatePublicKeyAsync(string methods, string domain, string selector, CancellationToken cancellationToken = default) =>
        Task.FromResult(LocatePublicKey(methods, domain, selector, cancellationToken));
}
