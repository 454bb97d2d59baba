using System.Text.Json.Serialization;

namespace MailGate.Status;

/// <summary>
/// Source-generated JSON for the status API's answers (snake_case, as <c>/readyz</c>), and for what ASP.NET Core
/// serializes through the HTTP JSON options itself: the OpenAPI document's schema of every query parameter type
/// (<c>int?</c>, <c>string</c>) and a problem answer (<c>Results.Problem</c>). The native executable has no
/// reflection-based fallback, so a type missing here is a 500 there (the JIT build would still answer).
/// </summary>
[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.SnakeCaseLower)]
[JsonSerializable(typeof(DecisionPage))]
[JsonSerializable(typeof(DecisionDetail))]
[JsonSerializable(typeof(DeadLetter[]))]
[JsonSerializable(typeof(RetryAnswer))]
[JsonSerializable(typeof(PollersReport))]
[JsonSerializable(typeof(MailGate.Core.Coverage.CoverageOverview))]
[JsonSerializable(typeof(int?))]
[JsonSerializable(typeof(string))]
[JsonSerializable(typeof(Microsoft.AspNetCore.Mvc.ProblemDetails))]
internal sealed partial class StatusJsonContext : JsonSerializerContext;
