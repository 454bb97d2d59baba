using System.Text.Json.Serialization;

namespace MailGate.Core.Deliver;

/// <summary>Source-generated JSON for the Events API v2 wire format (compact, snake_case).</summary>
[JsonSourceGenerationOptions(
    PropertyNamingPolicy = JsonKnownNamingPolicy.SnakeCaseLower,
    DictionaryKeyPolicy = JsonKnownNamingPolicy.Unspecified,
    DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull)]
[JsonSerializable(typeof(PagerDutyEvent))]
public sealed partial class PagerDutyJsonContext : JsonSerializerContext;
