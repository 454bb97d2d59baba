using MailGate.Core.Storage;
using System.Text.Json.Serialization;

namespace MailGate.Core.Spool;

/// <summary>Source-generated JSON for the spool's sidecar files (readable: indented, snake_case).</summary>
[JsonSourceGenerationOptions(
    WriteIndented = true,
    PropertyNamingPolicy = JsonKnownNamingPolicy.SnakeCaseLower,
    UseStringEnumConverter = true,
    DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull)]
[JsonSerializable(typeof(EnvelopeDocument))]
[JsonSerializable(typeof(ProcessingState))]
[JsonSerializable(typeof(LedgerEntry))]
internal sealed partial class SpoolJsonContext : JsonSerializerContext;
