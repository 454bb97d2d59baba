
using MailGate.Core.Messages;
using MailGate.Core.Storage;

namespace MailGate.Core.Spool;

/// <summary>The names of the files inside one message's spool folder.</summary>
internal static class SpoolFiles
{
    public const string Message = "message.eml";
    public const string Case = "case.json";
    public const string Health = "health.json";
    public const string Coverage = "coverage.json";
    public const string Envelope = "envelope.json";
    public const string State = "state.json";

    /// <summary>The names in a message folder that anything reads or writes: each must be a regular file or absent.</summary>
    public static readonly string[] Used = [Envelope, Message, Case, Health, Coverage, State, State + ".tmp"];

    /// <summary>The content file: the raw mail, the support case's JSON as AWS returned it, the Health event's, or a coverage alert's (issue #15).</summary>
    public static string Content(Envelope envelope) => envelope.Origin switch
    {
        MailOrigin => Message,
        SupportCaseOrigin => Case,
        HealthEventOrigin => Health,
        CoverageOrigin => Coverage,
        _ => throw new ArgumentException($"the file spool cannot store a message from '{envelope.Origin.Source}'", nameof(envelope)),
    };
}
