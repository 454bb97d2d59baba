using MailGate.Core.Parse;
using System.Buffers;
using System.Text.RegularExpressions;

namespace MailGate.Core.Rules;

/// <summary>
/// Works out which AWS accounts a message concerns: the 12-digit ids AWS writes in the subject or body
/// behind a label (<c>AWS ID: 123456789012</c>, <c>[AWS ID 123456789012]</c>, <c>Account ID: …</c>,
/// <c>AWS account [123456789012]</c>, <c>AWS アカウント ID：123456789012</c>, <c>1234-5678-9012</c>, …;
/// see <see cref="FindIds"/>), else the account's root group, found through the rules file's
/// <c>accounts</c> map by List-Id or by the <c>X-Original-To</c>, <c>Delivered-To</c> or <c>To</c>
/// address. The map also names each account and its owner.
/// </summary>
public static partial class AccountResolver
{
    /// <summary>At most this many accounts are taken from one message (a notice about many accounts lists the first ones).</summary>
    public const int MaxAccounts = 20;

    private static readonly string[] AddressHeaders = ["X-Original-To", "Delivered-To"];

    /// <summary>A word every label holds (see <see cref="Label"/>): text without any of them names no account.</summary>
    private static readonly SearchValues<string> LabelWords = SearchValues.Create(
        ["aws", "account", "cuenta", "compte", "conta", "konto", "アカウント", "ｱｶｳﾝﾄ", "계정", "账户", "帐户", "账号", "帳戶", "帳號"], StringComparison.OrdinalIgnoreCase);

    /// <summary>
    /// <paramref name="facts"/> with the accounts filled in as far as they can be: <see cref="MessageFacts.AccountId"/>
    /// (the first id the subject, else the body, names), <see cref="MessageFacts.AccountName"/> and
    /// <see cref="MessageFacts.AccountOwner"/> from the map, and <see cref="MessageFacts.OtherAccounts"/> for
    /// the further ids the text names (subject first, each once, at most <see cref="MaxAccounts"/> in all).
    /// An id already set (a support case's account) is kept and the text is not searched. The same instance
    /// when nothing is known.
    /// </summary>
    public static MessageFacts Resolve(MessageFacts facts, AccountMap accounts)
    {
        ArgumentNullException.ThrowIfNull(facts);
        ArgumentNullException.ThrowIfNull(accounts);
        IReadOnlyList<string> ids = facts.AccountId.Length > 0
            ? [facts.AccountId]
            : [.. FindIds(facts.Subject).Concat(FindIds(facts.Body)).Distinct(StringComparer.Ordinal).Take(MaxAccounts)];
        var account = ids.Count > 0 ? accounts.ById(ids[0]) : ByGroup(facts, accounts);
        if (ids.Count == 0 && account is null)
        {
            return facts;
        }

        return facts with
        {
            AccountId = ids.Count > 0 ? ids[0] : account!.Id,
            AccountName = account?.Name ?? facts.AccountName,
            AccountOwner = account?.Owner ?? facts.AccountOwner,
            OtherAccounts = [.. ids.Skip(1).Select(id => accounts.ById(id) ?? new AccountInfo(id, "", ""))],
        };
    }

    /// <summary>The first AWS account id written in <paramref name="text"/>, or null.</summary>
    public static string? FindId(string text) => FindIds(text) is [var first, ..] ? first : null;

    /// <summary>
    /// Every AWS account id written in <paramref name="text"/>, in order, each once, as 12 plain digits.
    /// </summary>
    /// <remarks>
    /// <para>
    /// Full-width forms count as their ASCII forms (<c>１２３</c>, <c>：</c>, <c>［］</c>, <c>－</c>, U+3000 as a
    /// space), as Unicode NFKC maps them (the gateway runs with invariant globalization, which has no
    /// NFKC, so exactly this part of it is done here). An id counts only behind a
    /// label: English <c>AWS ID</c>, <c>AWS account</c> (<c>ID</c>, <c>number</c>, <c>no.</c>, <c>#</c>),
    /// <c>Account ID</c> / <c>Id</c> / <c>Number</c> / <c>No.</c> / <c>#</c>, <c>account</c>, plurals
    /// included; Japanese <c>アカウント</c> (also half-width; with <c>AWS</c>, <c>ID</c>, <c>番号</c>); Korean <c>계정</c>;
    /// Chinese <c>账户</c>/<c>帐户</c>/<c>账号</c>/<c>帳戶</c>/<c>帳號</c>; <c>ID de cuenta</c>,
    /// <c>ID de compte</c>, <c>ID da conta</c>, <c>Konto-ID</c>. Between label and id: spaces, line breaks,
    /// <c>:</c>, <c>#</c>, <c>=</c>, list bullets, <c>is</c>/<c>は</c>, an opening bracket.
    /// </para>
    /// <para>
    /// An id is 12 digits, plain or grouped in fours by one kind of separator (<c>1234-5678-9012</c>,
    /// <c>1234 5678 9012</c>), and no digit (or further group) may follow: 13- and 15-digit numbers (case
    /// ids), card-like 16-digit groups, and numbers without a label (phone numbers, report ids, timestamps)
    /// are not accounts. After one id a list may follow (<c>, </c>, <c>、</c>, <c>;</c>, <c>/</c>,
    /// <c>and</c>, <c>および</c>, <c>と</c>, bullets, line breaks), each id of it taken.
    /// </para>
    /// </remarks>
    public static IReadOnlyList<string> FindIds(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        if (!text.AsSpan().ContainsAnyInRange('0', '9') && !text.AsSpan().ContainsAnyInRange('\uFF10', '\uFF19'))
        {
            return [];
        }

        var normalised = FoldWidth(text);
        if (normalised.AsSpan().IndexOfAny(LabelWords) < 0)
        {
            return []; // most text names no account: skip the regex, which stops at every 'a'
        }

        var ids = new List<string>();
        foreach (Match match in AccountIdPattern().Matches(normalised))
        {
            if (match.Index > 0 && char.IsAsciiLetter(normalised[match.Index - 1]))
            {
                continue; // a label inside another word: "myaccount", "subaccounts"
            }

            foreach (Capture capture in match.Groups["id"].Captures)
            {
                var id = string.Concat(capture.Value.Where(char.IsAsciiDigit));
                if (!ids.Contains(id, StringComparer.Ordinal))
                {
                    ids.Add(id);
                }
            }
        }

        return ids;
    }

    /// <summary><paramref name="text"/> with the full-width ASCII forms (U+FF01–U+FF5E) and the ideographic space (U+3000) as ASCII.</summary>
    private static string FoldWidth(string text)
    {
        if (!text.AsSpan().ContainsAnyInRange('\uFF01', '\uFF5E') && !text.Contains('\u3000', StringComparison.Ordinal))
        {
            return text;
        }

        return string.Create(text.Length, text, static (folded, source) =>
        {
            for (var i = 0; i < source.Length; i++)
            {
                var c = source[i];
                folded[i] = c switch
                {
                    >= '\uFF01' and <= '\uFF5E' => (char)(c - 0xFEE0),
                    '\u3000' => ' ',
                    _ => c,
                };
            }
        });
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

    private const string Id = @"(?<id>[0-9]{4}(?<sep>[ \-\u2010\u2011]?)[0-9]{4}\k<sep>[0-9]{4})(?![0-9])(?!\k<sep>[0-9])";

    /// <summary>The labels, each alternative starting with a literal so the engine can skip ahead to them (English ones are checked for a letter before them in code).</summary>
    private const string Label = @"(?:AWS(?:\s*(?:accounts?\s*)?(?:IDs?|numbers?|no\.|\#)|\s+accounts?|\s*(?:アカウント|ｱｶｳﾝﾄ|계정|账户|帐户|账号|帳戶|帳號)\s*(?:ID|番号|번호|编号)?)"
        + @"|accounts?(?:\s*(?:IDs?|numbers?|no\.|\#))?|ID\s+d[ea]\s+(?:(?:la\s+)?cuenta|compte|conta)|Konto-?ID"
        + @"|(?:アカウント|ｱｶｳﾝﾄ|계정|账户|帐户|账号|帳戶|帳號)\s*(?:ID|番号|번호|编号)?)";

    private const string BeforeId = @"[\s:#=*•・\-]{0,12}(?:(?:is|は)[\s:]{0,4})?[\[(<【「]?\s*";

    private const string Between = @"(?:[\s,;/&、・*•\-\])>】」]|\b(?:and|or|et|und|y)\b|および|及び|と|및|和)*?";

    [GeneratedRegex(Label + BeforeId + Id + "(?:" + Between + "[\\[(<【「]?" + Id + ")*", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant, matchTimeoutMilliseconds: 1000)]
    private static partial Regex AccountIdPattern();
}
