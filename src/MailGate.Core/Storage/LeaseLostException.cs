namespace MailGate.Core.Storage;

/// <summary>
/// This owner's claim on a message was taken over by another owner (its lease ran out while this owner was
/// stalled or cut off), so its change was refused: drop the message from memory; its new owner resumes it
/// from the last state written. Only backends with several owners throw it (never the file spool). Not an
/// <see cref="IOException"/>: trying the write again can never succeed.
/// </summary>
public sealed class LeaseLostException : Exception
{
    /// <summary>Creates the exception for message <paramref name="messageId"/>.</summary>
    public LeaseLostException(string messageId, string message) : base(message) => MessageId = messageId;

    /// <summary>Creates the exception.</summary>
    public LeaseLostException() => MessageId = "";

    /// <summary>Creates the exception.</summary>
    public LeaseLostException(string message) : base(message) => MessageId = "";

    /// <summary>Creates the exception.</summary>
    public LeaseLostException(string message, Exception innerException) : base(message, innerException) => MessageId = "";

    /// <summary>The message whose claim was lost.</summary>
    public string MessageId { get; }
}
