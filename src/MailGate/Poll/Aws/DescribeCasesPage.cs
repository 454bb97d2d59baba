using MailGate.Core.Parse;
using MailGate.Parse;

namespace MailGate.Poll.Aws;

/// <summary>One page of <c>DescribeCases</c>.</summary>
/// <param name="Cases">The cases, newest first, each read once (<see cref="SupportCase.Json"/> keeps its text exactly as AWS returned it); entries without a <c>caseId</c> are left out.</param>
/// <param name="NextToken">The token of the next page, or <see langword="null"/> on the last page.</param>
internal sealed record DescribeCasesPage(IReadOnlyList<SupportCase> Cases, string? NextToken);
