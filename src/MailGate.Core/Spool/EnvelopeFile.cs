using MailGate.Core.Messages;
using MailGate.Core.Storage;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace MailGate.Core.Spool;

/// <summary>
/// <c>envelope.json</c>: an <see cref="Envelope"/> as the file spool writes and reads it.
/// </summary>
/// <remarks>
/// <para>Written flat, as spools before the origin was first-class held it, plus <c>source</c>:
/// <c>{"source":"mail","mail_from":…,"recipients":[…],"received_at":…,"client_address":…,"session_id":…}</c>, or for a
/// support case <c>{"source":"support-case","mail_from":"","recipients":[],"received_at":…,"case":{"account_id":…,"account_name":…,"account_email":…,"language":…,"resolve":…}}</c>.
/// An AWS Health event: <c>{"source":"health-event","mail_from":"","recipients":[],"received_at":…,"health":{"channel":"poll","resolve":false}}</c>.
/// A coverage alert: <c>{"source":"coverage","mail_from":"","recipients":[],"received_at":…,"coverage":{"subject":"silence","resolve":false}}</c>.
/// The empty <c>mail_from</c> and <c>recipients</c> of a case are kept so that the previous release still reads a spool
/// written by this one (after a rollback).</para>
/// <para>Read: <c>source</c> decides; without it (every envelope written before it existed) a <c>case</c> makes
/// a support case and anything else is mail. A source this gateway does not know makes the entry damaged.</para>
/// </remarks>
internal static class EnvelopeFile
{
    /// <summary>Writes <paramref name="envelope"/> to <paramref name="path"/> (created new or replaced), flushed to disk when asked.</summary>
    public static void Write(string path, Envelope envelope, bool flushToDisk)
    {
        using var file = new FileStream(path, FileMode.Create, FileAccess.Write, FileShare.None, bufferSize: 4096);
        JsonSerializer.Serialize(file, ToDocument(envelope), SpoolJsonContext.Default.EnvelopeDocument);
        file.Flush(flushToDisk);
    }

    /// <summary>Reads an envelope; null with <paramref name="problem"/> when valid JSON is not a whole envelope.</summary>
    /// <exception cref="JsonException">Not JSON, or not the shape of an envelope.</exception>
    public static Envelope? Read(Stream stream, out string? problem)
    {
        var document = JsonSerializer.Deserialize(stream, SpoolJsonContext.Default.EnvelopeDocument);
        if (document is null)
        {
            problem = "is empty (null)";
            return null;
        }

        var origin = Origin(document, out var missing);
        problem = missing is null ? null : "is not valid: " + missing;
        return origin is null ? null : new Envelope(document.ReceivedAt, origin);
    }

    private static MessageOrigin? Origin(EnvelopeDocument document, out string? missing)
    {
        var source = document.Source ?? (document.Case is null ? MailOrigin.SourceName : SupportCaseOrigin.SourceName);
        switch (source)
        {
            case MailOrigin.SourceName:
                missing = document.MailFrom is null ? "mail_from is missing"
                    : document.Recipients is null ? "recipients is missing"
                    : document.Recipients.Any(r => r is null) ? "recipients holds null"
                    : null;
                return missing is null ? new MailOrigin(document.MailFrom!, [.. document.Recipients!.OfType<string>()], document.ClientAddress, document.SessionId) : null;
            case SupportCaseOrigin.SourceName:
                var c = document.Case;
                missing = c?.AccountId is null || c.AccountName is null || c.AccountEmail is null || c.Language is null ? "case lacks its account or language" : null;
                return missing is null ? new SupportCaseOrigin(c!.AccountId!, c.AccountName!, c.AccountEmail!, c.Language!, c.Resolve) : null;
            case HealthEventOrigin.SourceName:
                var h = document.Health;
                missing = h?.Channel is null ? "health lacks its channel" : null;
                return missing is null ? new HealthEventOrigin(h!.Channel!, h.Resolve) : null;
            case CoverageOrigin.SourceName:
                var v = document.Coverage;
                missing = v?.Subject is null ? "coverage lacks its subject" : null;
                return missing is null ? new CoverageOrigin(v!.Subject!, v.Resolve) : null;
            default:
                missing = $"source '{source}' is not one this gateway reads";
                return null;
        }
    }

    internal static EnvelopeDocument ToDocument(Envelope envelope) => envelope.Origin switch
    {
        MailOrigin mail => new EnvelopeDocument
        {
            Source = mail.Source,
            MailFrom = mail.MailFrom,
            Recipients = [.. mail.Recipients],
            ReceivedAt = envelope.ReceivedAt,
            ClientAddress = mail.ClientAddress,
            SessionId = mail.SessionId,
        },
        SupportCaseOrigin supportCase => new EnvelopeDocument
        {
            Source = supportCase.Source,
            MailFrom = "",
            Recipients = [],
            ReceivedAt = envelope.ReceivedAt,
            Case = new CaseDocument
            {
                AccountId = supportCase.AccountId,
                AccountName = supportCase.AccountName,
                AccountEmail = supportCase.AccountEmail,
                Language = supportCase.Language,
                Resolve = supportCase.Resolve,
            },
        },
        HealthEventOrigin health => new EnvelopeDocument
        {
            Source = health.Source,
            MailFrom = "",
            Recipients = [],
            ReceivedAt = envelope.ReceivedAt,
            Health = new HealthDocument { Channel = health.Channel, Resolve = health.Resolve },
        },
        CoverageOrigin coverage => new EnvelopeDocument
        {
            Source = coverage.Source,
            MailFrom = "",
            Recipients = [],
            ReceivedAt = envelope.ReceivedAt,
            Coverage = new CoverageDocument { Subject = coverage.Subject, Resolve = coverage.Resolve },
        },
        _ => throw new ArgumentException($"the file spool cannot store a message from '{envelope.Origin.Source}'", nameof(envelope)),
    };
}

/// <summary><c>envelope.json</c> as stored: every field optional, so that any version's file reads (see <see cref="EnvelopeFile"/>).</summary>
internal sealed class EnvelopeDocument
{
    [JsonPropertyOrder(-1)]
    public string? Source { get; set; }

    public string? MailFrom { get; set; }

    public List<string?>? Recipients { get; set; }

    public DateTimeOffset ReceivedAt { get; set; }

    public string? ClientAddress { get; set; }

    public string? SessionId { get; set; }

    public CaseDocument? Case { get; set; }

    public HealthDocument? Health { get; set; }

    public CoverageDocument? Coverage { get; set; }
}

/// <summary>The <c>coverage</c> object of <see cref="EnvelopeDocument"/>: <c>{"subject":"silence","resolve":false}</c> (issue #15).</summary>
internal sealed class CoverageDocument
{
    public string? Subject { get; set; }

    public bool Resolve { get; set; }
}

/// <summary>The <c>health</c> object of <see cref="EnvelopeDocument"/>: <c>{"channel":"poll","resolve":false}</c>.</summary>
internal sealed class HealthDocument
{
    public string? Channel { get; set; }

    public bool Resolve { get; set; }
}

/// <summary>The <c>case</c> object of <see cref="EnvelopeDocument"/>.</summary>
internal sealed class CaseDocument
{
    public string? AccountId { get; set; }

    public string? AccountName { get; set; }

    public string? AccountEmail { get; set; }

    public string? Language { get; set; }

    public bool Resolve { get; set; }
}
