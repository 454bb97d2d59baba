namespace MailGate.Core.Parse.Authentication;

/// <summary>
/// A DKIM key lookup that will not succeed if tried again: no such name (NXDOMAIN), no TXT record, an
/// empty <c>p=</c> (revoked key) or a record that is not a usable key. Verification maps it to
/// <see cref="AuthOutcome.PermError"/>.
/// </summary>
public sealed class DkimKeyNotFoundException : Exception
{
    /// <summary>Creates the exception with a reason an operator can read.</summary>
    public DkimKeyNotFoundException(string message) : base(message)
    {
    }

    /// <summary>Creates the exception with a reason and its cause.</summary>
    public DkimKeyNotFoundException(string message, Exception innerException) : base(message, innerException)
    {
    }

    /// <summary>Creates the exception.</summary>
    public DkimKeyNotFoundException()
    {
    }
}
