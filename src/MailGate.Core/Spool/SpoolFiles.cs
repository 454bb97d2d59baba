namespace MailGate.Spool;

/// <summary>The names of the files inside one message's spool folder.</summary>
internal static class SpoolFiles
{
    public const string Message = "message.eml";
    public const string Case = "case.json";
    public const string Envelope = "envelope.json";
    public const string State = "state.json";

    /// <summary>The content file: the raw mail, or the support case's JSON as AWS returned it.</summary>
    public static string Content(Envelope envelope) => envelope.Case is null ? Message : Case;
}
