namespace MailGate.Core.Parse;

/// <summary>A message that cannot be parsed into facts (empty, header section too large, not MIME).</summary>
public sealed class MessageParseException : Exception
{
    /// <summary>Creates the exception with a reason an operator can read.</summary>
    public MessageParseException(string message) : base(message)
    {
    }

    /// <summary>Creates the exception with a reason and its cause.</summary>
    public MessageParseException(string message, Exception innerException) : base(message, innerException)
    {
    }

    /// <summary>Creates the exception.</summary>
    public MessageParseException()
    {
    }
}
