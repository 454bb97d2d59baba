using MailGate.Core.Messages;
using MailGate.Core.Storage;
using System.Text.Json;

namespace MailGate.Core.Spool;

/// <summary>
/// The JSON documents of a stored message as the file spool writes them (<c>envelope.json</c>, <c>state.json</c>),
/// for other backends of the seam, so that every backend stores the same documents and reads them with the same
/// checks (a database backend keeps them in columns).
/// </summary>
public static class SpoolDocuments
{
    /// <summary>The envelope as UTF-8 JSON (the <c>envelope.json</c> format, see <see cref="EnvelopeFile"/>).</summary>
    /// <exception cref="ArgumentException">The envelope's origin is not one the gateway stores.</exception>
    public static byte[] EnvelopeJson(Envelope envelope) =>
        JsonSerializer.SerializeToUtf8Bytes(EnvelopeFile.ToDocument(envelope), SpoolJsonContext.Default.EnvelopeDocument);

    /// <summary>Reads an envelope from UTF-8 JSON; null with <paramref name="problem"/> (for people) when it is not a whole, valid envelope.</summary>
    public static Envelope? ReadEnvelope(ReadOnlyMemory<byte> json, out string? problem)
    {
        try
        {
            using var stream = new MemoryStream(json.ToArray(), writable: false);
            return EnvelopeFile.Read(stream, out problem);
        }
        catch (JsonException e)
        {
            problem = "is not valid JSON: " + e.Message;
            return null;
        }
    }

    /// <summary>The processing state as UTF-8 JSON (the <c>state.json</c> format).</summary>
    public static byte[] StateJson(ProcessingState state) =>
        JsonSerializer.SerializeToUtf8Bytes(state, SpoolJsonContext.Default.ProcessingState);

    /// <summary>Reads a processing state from UTF-8 JSON, with the checks the file spool makes.</summary>
    /// <exception cref="JsonException">It is not a state the gateway can act on.</exception>
    public static ProcessingState ReadState(ReadOnlyMemory<byte> json)
    {
        using var stream = new MemoryStream(json.ToArray(), writable: false);
        return StateFile.Parse(stream);
    }
}
