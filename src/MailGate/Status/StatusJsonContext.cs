using System.Text.Json.Serialization;

namespace MailGate.Status;

/// <summary>Source-generated JSON for the status API's answers (snake_case, as <c>/readyz</c>).</summary>
[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.SnakeCaseLower)]
[JsonSerializable(typeof(DecisionPage))]
[JsonSerializable(typeof(DecisionDetail))]
[JsonSerializable(typeof(DeadLetter[]))]
[JsonSerializable(typeof(RetryAnswer))]
[JsonSerializable(typeof(PollersReport))]
[JsonSerializable(typeof(MailGate.Core.Coverage.CoverageOverview))]
internal sealed partial class StatusJsonContext : JsonSerializerContext;
