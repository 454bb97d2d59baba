namespace MailGate.Hosting;

/// <summary>A configuration problem found at start-up; its message is one line naming the key.</summary>
public sealed class StartupException : Exception
{
    /// <summary>Creates the exception.</summary>
    public StartupException(string message) : base(message)
    {
    }

    /// <summary>Creates the exception.</summary>
    public StartupException(string message, Exception innerException) : base(message, innerException)
    {
    }

    /// <summary>Creates the exception.</summary>
    public StartupException()
    {
    }
}
