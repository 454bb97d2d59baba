namespace MailGate.Core.Messages;

/// <summary>
/// A committed message as a storage backend hands it out: its id and envelope. A handle, not a copy of
/// the content (<see cref="IMessageContent.OpenContent"/> reads that); each backend derives its own
/// (the file spool's knows the message's folder; a database's would carry its claim) and accepts only its own.
/// </summary>
/// <param name="Id">The opaque, time-ordered id (<see cref="SpoolIds"/>); appears in every log line about the message and in PagerDuty's custom details.</param>
/// <param name="Envelope">How and when the message arrived.</param>
public abstract record StoredMessage(string Id, Envelope Envelope);
