namespace MailGate.Spool;

/// <summary>The names of the files inside one message's spool folder.</summary>
internal static class SpoolFiles
{
    public const string Message = "message.eml";
    public const string Envelope = "envelope.json";
    public const string State = "state.json";
}
