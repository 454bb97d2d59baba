
using MailGate.Core.Messages;
using MailGate.Core.Storage;

namespace MailGate.Core.Spool;

/// <summary>A message as it lies in the file spool: its id, its folder and its envelope.</summary>
/// <param name="Id">The opaque, time-ordered spool id; appears in every log line about the message.</param>
/// <param name="Directory">The message's own folder (<c>{area}/{id}</c>).</param>
/// <param name="Envelope">How and when it arrived.</param>
public sealed record SpooledMessage(string Id, string Directory, Envelope Envelope) : StoredMessage(Id, Envelope)
{
    /// <summary>
    /// The content exactly as received: the raw mail (RFC 5322, CRLF line ends), or for a support case
    /// (<see cref="SupportCaseOrigin"/>) the case's JSON as the Support API returned it.
    /// </summary>
    public string MessagePath => Path.Combine(Directory, SpoolFiles.Content(Envelope));
}
