namespace MailGate.Core.Parse.Authentication;

/// <summary>
/// A DKIM key lookup that failed for now and may succeed later: a DNS timeout, SERVFAIL or another
/// server-side error. Verification maps it to <see cref="AuthOutcome.TempError"/>.
/// </summary>
public sealed class DkimKeyTemporaryException : Exception
{
    /// <summary>Creates the exception with a reason an operator can read.</summary>
    public DkimKeyTemporaryException(string message) : base(message)
    {
    }

    /// <summary>Creates the exception with a reason and its cause.</summary>
    public DkimKeyTemporaryException(string message, Exception innerException) : base(message, innerException)
    {
    }

    /// <summary>Creates the exception.</summary>
    public DkimKeyTemporaryException()
    {
    }
}
