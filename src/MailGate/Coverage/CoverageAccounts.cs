using System.Text.RegularExpressions;
using MailGate.Core.Rules;
using MailGate.Poll.Aws;

namespace MailGate.Coverage;

/// <summary>
/// Which accounts coverage probes: the address keys of the rules file's <c>accounts:</c> map (as loaded now, so a
/// reload counts from the next round) and, with <c>Coverage:Organization</c>, every <c>ACTIVE</c> account AWS
/// Organizations lists, to its root email. One target per account id; Organizations' name and email win.
/// </summary>
internal static partial class CoverageAccounts
{
    /// <summary>The targets, ordered by account id; map entries whose id is not 12 digits are left out (they cannot carry a token).</summary>
    /// <param name="map">The rules file's accounts.</param>
    /// <param name="organization">The Organization's accounts, or null when not asked (or not read).</param>
    public static IReadOnlyList<CoverageTarget> Select(AccountMap map, IEnumerable<AwsAccount>? organization)
    {
        var targets = new SortedDictionary<string, CoverageTarget>(StringComparer.Ordinal);
        foreach (var (address, account) in map.Addresses)
        {
            if (AccountId().IsMatch(account.Id))
            {
                targets.TryAdd(account.Id, new CoverageTarget(account.Id, account.Name, address));
            }
        }

        foreach (var account in organization ?? [])
        {
            if (account.Status == "ACTIVE" && AccountId().IsMatch(account.Id) && account.Email.Contains('@', StringComparison.Ordinal))
            {
                var name = account.Name.Length > 0 ? account.Name : targets.GetValueOrDefault(account.Id)?.AccountName ?? "";
                targets[account.Id] = new CoverageTarget(account.Id, name, account.Email);
            }
        }

        return [.. targets.Values];
    }

    [GeneratedRegex("^[0-9]{12}$", RegexOptions.CultureInvariant)]
    private static partial Regex AccountId();
}
