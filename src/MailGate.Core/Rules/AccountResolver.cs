using System.Text.RegularExpressions;
using MailGate.Parse;

namespace MailGate.Rules;

/// <summary>
/// Works out which AWS account a message concerns: the 12-digit id AWS writes in the subject or body
/// (<c>AWS ID: 123456789012</c>, <c>[AWS ID 123456789012]</c>, <c>Account ID: …</c>,
/// <c>AWS account [123456789012]</c>), else the account's root group, found through the rules file's
/// <c>accounts</c> map by List-Id or by the <c>X-Original-To</c>, <c>Delivered-To</c> or <c>To</c>
/// address. The map also names the account and its owner.
/// </summary>
public static partial class AccountResolver
{
    private static readonly string[] AddressHeaders = ["X-Original-To", "Delivered-To"];

    /// <summary>
    /// <paramref name="facts"/> with <see cref="MessageFacts.AccountId"/>, <see cref="MessageFacts.AccountName"/>
    /// and <see cref="MessageFacts.AccountOwner"/> filled in as far as they can be; the same instance
    /// when nothing is known.
    /// </summary>
    public static MessageFacts Resolve(MessageFacts facts, AccountMap accounts)
    {
        ArgumentNullException.ThrowIfNull(facts);
        ArgumentNullException.ThrowIfNull(accounts);
        var id = facts.AccountId.Length > 0 ? facts.AccountId : FindId(facts.Subject) ?? FindId(facts.Body);
        var account = id is not null ? accounts.ById(id) : null;
        account ??= id is null ? ByGroup(facts, accounts) : null;
        if (id is null && account is null)
        {
            return facts;
        }

        return facts with
        {
            AccountId = id ?? account!.Id,
            AccountName = account?.Name ?? facts.AccountName,
            AccountOwner = account?.Owner ?? facts.AccountOwner,
        };
    }

    /// <summary>The first AWS account id written in <paramref name="text"/>, or null.</summary>
    public static string? FindId(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var match = AccountIdPattern().Match(text);
        return match.Success ? match.Groups["id"].Value : null;
    }

    private static AccountInfo? ByGroup(MessageFacts facts, AccountMap accounts)
    {
        if (accounts.Count == 0)
        {
            return null;
        }

        if (facts.ListId.Length > 0 && accounts.ByKey(facts.ListId) is { } byList)
        {
            return byList;
        }

        foreach (var header in AddressHeaders)
        {
            if (facts.Headers.TryGetValue(header, out var values))
            {
                foreach (var value in values)
                {
                    if (accounts.ByKey(value.Trim('<', '>', ' ')) is { } byHeader)
                    {
                        return byHeader;
                    }
                }
            }
        }

        foreach (var to in facts.To)
        {
            if (accounts.ByKey(to) is { } byTo)
            {
                return byTo;
            }
        }

        return null;
    }

    // The white-space runs are atomic: nothing after them can match white space, so the meaning is the
    // same, but a keyword followed by a long run of spaces (anyone can send one) costs linear time
    // instead of running into the match timeout (1,000 spaces took 0.9 s; 5,000 threw after 1 s).
    [GeneratedRegex(@"(?:AWS\s+ID|Account\s+ID|AWS\s+account(?:\s+ID)?|Account)(?>\s*)[:#]?(?>\s*)\[?(?>\s*)(?<id>[0-9]{12})(?![0-9])", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant, matchTimeoutMilliseconds: 1000)]
    private static partial Regex AccountIdPattern();
}
