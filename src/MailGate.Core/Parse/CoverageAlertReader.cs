using System.Text.Json;
using MailGate.Core.Coverage;
using MailGate.Core.Messages;

namespace MailGate.Core.Parse;

/// <summary>
/// Reads a spooled coverage record (a <see cref="CoverageOrigin"/> message: the <see cref="CoverageAlert"/> as JSON,
/// <see cref="CoverageDocuments.Write{T}"/>) into facts: subject the alert's summary, the account it names, and
/// <see cref="MessageFacts.Coverage"/>. The rules never see them: <c>MessageDecider</c> decides them by the rules
/// file's <c>coverage:</c> section.
/// </summary>
public static class CoverageAlertReader
{
    /// <summary>The facts of the alert in <paramref name="json"/>.</summary>
    /// <param name="spoolId">The record's spool id.</param>
    /// <param name="envelope">Its envelope (a <see cref="CoverageOrigin"/>; <see cref="Envelope.ReceivedAt"/> is when it was committed).</param>
    /// <param name="json">The stored content.</param>
    /// <exception cref="MessageParseException">The content is not a coverage alert (not JSON, or a required member is missing or empty).</exception>
    public static MessageFacts Read(string spoolId, Envelope envelope, Stream json)
    {
        ArgumentNullException.ThrowIfNull(envelope);
        ArgumentNullException.ThrowIfNull(json);
        CoverageAlert? alert;
        try
        {
            using var buffer = new MemoryStream();
            json.CopyTo(buffer);
            alert = CoverageDocuments.Read<CoverageAlert>(buffer.ToArray());
        }
        catch (JsonException e)
        {
            throw new MessageParseException($"not a coverage alert: {e.Message}", e);
        }

        if (alert is null || string.IsNullOrWhiteSpace(alert.Kind) || string.IsNullOrWhiteSpace(alert.DedupKey) || string.IsNullOrWhiteSpace(alert.Summary))
        {
            throw new MessageParseException("not a coverage alert: 'kind', 'dedup_key' and 'summary' are required");
        }

        return ToFacts(alert, spoolId, envelope);
    }

    /// <summary>The facts of <paramref name="alert"/>: subject its summary, date when it was raised, its account, and <see cref="MessageFacts.Coverage"/>.</summary>
    public static MessageFacts ToFacts(CoverageAlert alert, string spoolId, Envelope envelope)
    {
        ArgumentNullException.ThrowIfNull(alert);
        ArgumentNullException.ThrowIfNull(envelope);
        return new MessageFacts
        {
            SpoolId = spoolId,
            Subject = alert.Summary,
            Body = alert.Summary,
            Date = alert.RaisedAt,
            ReceivedAt = envelope.ReceivedAt,
            ContentHash = Identity(alert),
            AccountId = alert.AccountId,
            AccountName = alert.AccountName,
            Coverage = alert,
        };
    }

    /// <summary>
    /// What identifies one alert (its ledger identity): the dedup key and when it was raised, so that each new
    /// miss after a resolve pages again while a record decided twice (a restart) is still one trigger.
    /// </summary>
    public static string Identity(CoverageAlert alert)
    {
        ArgumentNullException.ThrowIfNull(alert);
        return $"coverage:{alert.DedupKey}:{alert.RaisedAt.ToUnixTimeMilliseconds()}";
    }
}
