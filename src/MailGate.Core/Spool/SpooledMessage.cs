namespace MailGate.Spool;

/// <summary>A message as it lies in the spool: its id, its folder and its envelope.</summary>
/// <param name="Id">The opaque, time-ordered spool id; appears in every log line about the message.</param>
/// <param name="Directory">The message's own folder (<c>{area}/{id}</c>).</param>
/// <param name="Envelope">The SMTP envelope.</param>
public sealed record SpooledMessage(string Id, string Directory, Envelope Envelope)
{
    /// <summary>The raw message exactly as received (RFC 5322, CRLF line ends).</summary>
    public string MessagePath => Path.Combine(Directory, SpoolFiles.Message);
}
