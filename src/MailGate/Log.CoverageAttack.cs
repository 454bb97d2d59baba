using Microsoft.Extensions.Logging;

namespace MailGate;

/// <summary>Coverage's limits against hostile mail (issue #15, the attack review): id 1199 (1151–1159 spare).</summary>
internal static partial class Log
{
    [LoggerMessage(1199, LogLevel.Warning, "Per-group silence: {Stored} List-Ids are recorded in {Location}, the most kept ({Max}); List-Id {ListId} and any other new one are counted in the overall silence only (List-Ids come from the mail: anyone who can write to the SMTP port can make them up)")]
    public static partial void SilenceGroupsFull(ILogger logger, int stored, string location, int max, string listId);

    [LoggerMessage(1151, LogLevel.Warning, "Coverage document {Key} in {Location} is damaged ({Error}); read as absent, and replaced by the next write (a damaged document must not stop the probes or the silence alarm)")]
    public static partial void CoverageDocumentDamaged(ILogger logger, string key, string location, string error);
}
