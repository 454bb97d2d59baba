using System.Text.Json.Serialization;

namespace MailGate.Http;

/// <summary>Source-generated JSON for the HTTP endpoints' answers.</summary>
[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.SnakeCaseLower)]
[JsonSerializable(typeof(ReadinessReport))]
internal sealed partial class HttpJsonContext : JsonSerializerContext;
