using System.Text.Json.Serialization;

namespace MailGate.Core.Coverage;

/// <summary>
/// Source-generated JSON for coverage's documents and alerts (<see cref="CoverageDocuments"/>): UTF-8, snake_case
/// names, null values left out. Generated at build time, so native AOT needs no reflection for them.
/// </summary>
[JsonSourceGenerationOptions(
    PropertyNamingPolicy = JsonKnownNamingPolicy.SnakeCaseLower,
    DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull)]
[JsonSerializable(typeof(ProbeSent))]
[JsonSerializable(typeof(ProbeArrival))]
[JsonSerializable(typeof(RelayAlarmState))]
[JsonSerializable(typeof(CoverageAlert))]
[JsonSerializable(typeof(LastReceived))]
[JsonSerializable(typeof(SilenceAlarmState))]
internal sealed partial class CoverageJsonContext : JsonSerializerContext;
