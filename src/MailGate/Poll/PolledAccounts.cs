using MailGate.Poll.Aws;

namespace MailGate.Poll;

/// <summary>Which of the Organization's accounts are polled: the active ones, narrowed by configuration.</summary>
internal static class PolledAccounts
{
    /// <summary>
    /// The accounts of <paramref name="listed"/> that are <c>ACTIVE</c>, in <see cref="SupportCaseOptions.Accounts"/>
    /// when that list is set, and not in <see cref="SupportCaseOptions.ExcludeAccounts"/>; ordered by id.
    /// </summary>
    public static IReadOnlyList<AwsAccount> Select(IEnumerable<AwsAccount> listed, SupportCaseOptions options)
    {
        var only = options.Accounts.ToHashSet(StringComparer.Ordinal);
        var excluded = options.ExcludeAccounts.ToHashSet(StringComparer.Ordinal);
        return listed
            .Where(a => string.Equals(a.Status, "ACTIVE", StringComparison.Ordinal))
            .Where(a => only.Count == 0 || only.Contains(a.Id))
            .Where(a => !excluded.Contains(a.Id))
            .DistinctBy(a => a.Id)
            .OrderBy(a => a.Id, StringComparer.Ordinal)
            .ToArray();
    }
}
