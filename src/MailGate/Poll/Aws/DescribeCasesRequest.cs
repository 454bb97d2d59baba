namespace MailGate.Poll.Aws;

/// <summary>The filters of one Support <c>DescribeCases</c> call (one page).</summary>
/// <param name="Language">The language of the cases (<c>en</c>, <c>ja</c>, …): AWS returns only cases in that language.</param>
/// <param name="AfterTime">Only cases created at or after this time; <see langword="null"/>: no lower bound.</param>
/// <param name="IncludeResolvedCases">Whether resolved cases are returned too.</param>
/// <param name="IncludeCommunications">Whether each case carries its recent communications.</param>
/// <param name="CaseIds">Only these cases (at most 100); <see langword="null"/>: any.</param>
/// <param name="NextToken">The token of the page to read, from the previous <see cref="DescribeCasesPage.NextToken"/>.</param>
/// <param name="MaxResults">At most this many cases in the page: 10 to 100.</param>
internal sealed record DescribeCasesRequest(
    string Language,
    DateTimeOffset? AfterTime = null,
    bool IncludeResolvedCases = false,
    bool IncludeCommunications = true,
    IReadOnlyList<string>? CaseIds = null,
    string? NextToken = null,
    int MaxResults = 100);
