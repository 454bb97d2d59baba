using System.Text.Json;

namespace MailGate.Poll.Aws;

/// <summary>One page of <c>DescribeCases</c>.</summary>
/// <param name="Cases">The cases exactly as AWS returned them, newest first; each element is cloned and outlives the answer's document.</param>
/// <param name="NextToken">The token of the next page, or <see langword="null"/> on the last page.</param>
internal sealed record DescribeCasesPage(IReadOnlyList<JsonElement> Cases, string? NextToken);
