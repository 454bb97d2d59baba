using System.Text.Json.Serialization;

namespace MailGate.Observability;

/// <summary>Source-generated JSON for the HTTP endpoints' answers.</summary>
[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.SnakeCaseLower)]
[JsonSerializable(typeof(ReadinessReport))]
internal sealed partial class ObservabilityJsonContext : JsonSerializerContext;
