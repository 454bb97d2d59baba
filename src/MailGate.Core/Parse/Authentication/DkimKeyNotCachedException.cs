namespace MailGate.Core.Parse.Authentication;

/// <summary>
/// Thrown by <see cref="DnsDkimPublicKeyLocator.Offline"/> for a key it has not looked up yet (or whose
/// answer has expired): nothing was asked of DNS. <see cref="MailAuthenticator"/> records the name in
/// <see cref="AuthenticationFacts.MissingKeys"/> and reports the check as
/// <see cref="AuthOutcome.TempError"/>; the caller fetches the key
/// (<see cref="DnsDkimPublicKeyLocator.PrefetchAsync"/>) and verifies again.
/// </summary>
public sealed class DkimKeyNotCachedException : Exception
{
    /// <summary>Creates the exception for the DNS name <paramref name="name"/> (<c>{selector}._domainkey.{domain}</c>).</summary>
    public DkimKeyNotCachedException(string name) : base($"{name}: not looked up yet")
    {
        Name = name;
    }

    /// <summary>Creates the exception with a reason and its cause.</summary>
    public DkimKeyNotCachedException(string message, Exception innerException) : base(message, innerException)
    {
        Name = "";
    }

    /// <summary>Creates the exception.</summary>
    public DkimKeyNotCachedException()
    {
        Name = "";
    }

    /// <summary>The DNS name of the key: <c>{selector}._domainkey.{domain}</c>, lower case.</summary>
    public string Name { get; }
}
