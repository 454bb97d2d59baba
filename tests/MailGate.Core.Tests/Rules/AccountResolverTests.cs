using MailGate.Core.Rules;
using MailGate.Core.Tests.Rules.Support;

namespace MailGate.Core.Tests.Rules;

[TestFixture]
public class AccountResolverTests
{
    private static readonly RuleSet WithAccounts = TestRules.Parse("""
        version: 1
        routes:
          oncall:
            pagerduty:
              routing_key: ${PD_KEY}
        accounts:
          aws-root-123456789012@example.com: { id: "123456789012", name: prod-payments, owner: payments-team }
          aws-root-210987654321.example.com: { id: "210987654321", name: sandbox }
        rules:
          - name: t
            summary: "{account} / {account_id} / {account_name} / {account_owner}"
            route: oncall
        """);

    [TestCase("Your AWS Abuse Report [12345678] [AWS ID 123456789012]", "123456789012")]
    [TestCase("AWS ID: 123456789012 Region: us-east-1", "123456789012")]
    [TestCase("Account ID: 123456789012", "123456789012")]
    [TestCase("[Action Required] Suspicious activity in your AWS account [123456789012]", "123456789012")]
    [TestCase("Billing Statement Available [Account: 123456789012]", "123456789012")]
    [TestCase("aws account id 123456789012.", "123456789012")]
    [TestCase("Case 1234567890123 opened", null)]
    [TestCase("AWS ID: 1234567890123", null)]
    [TestCase("phone 123456789012", null)]
    [TestCase("", null)]
    public void FindId_Table(string text, string? expected) => Assert.That(AccountResolver.FindId(text), Is.EqualTo(expected));

    /// <summary>
    /// Issue 11 §2, the same kind: anyone can send a label followed by a long run of white space. Before
    /// the white-space runs were made atomic, 1,000 spaces took 0.9 s and 5,000 threw a
    /// RegexMatchTimeoutException out of the decision (the message was retried at every scan, forever).
    /// </summary>
    [TestCase("Account", " ")]
    [TestCase("AWS account ID:", "\t")]
    [TestCase("AWS", " ")]
    [TestCase("Account #", "\r\n")]
    public void FindId_LabelThenHugeWhiteSpace_AnswersWithoutTimingOut(string label, string space)
    {
        var text = string.Concat(Enumerable.Repeat(label + string.Concat(Enumerable.Repeat(space, 50_000)) + "x ", 4));

        Assert.Multiple(() =>
        {
            Assert.That(AccountResolver.FindId(text), Is.Null);
            Assert.That(AccountResolver.FindId(text + " AWS ID: 123456789012"), Is.EqualTo("123456789012"));
        });
    }

    /// <summary>Every form AWS mail, the console and people use (issue #12 §5).</summary>
    [TestCase("AWS アカウント ID：123456789012 のアクセスキー", "123456789012")] // the fixture's form: full-width colon
    [TestCase("AWS アカウント ID: 123456789012", "123456789012")]
    [TestCase("アカウントID：１２３４５６７８９０１２", "123456789012")] // full-width digits
    [TestCase("アカウント ID 123456789012", "123456789012")]
    [TestCase("AWS アカウント 123456789012", "123456789012")]
    [TestCase("アカウント番号: 123456789012", "123456789012")]
    [TestCase("ＡＷＳ　ＩＤ：　１２３４５６７８９０１２", "123456789012")] // full-width letters and U+3000
    [TestCase("AWS アカウント ID は 123456789012 です", "123456789012")]
    [TestCase("アカウント【123456789012】", "123456789012")]
    [TestCase("アカウント「123456789012」", "123456789012")]
    [TestCase("AWS アカウント［123456789012］", "123456789012")] // full-width brackets
    [TestCase("AWS ID 123456789012", "123456789012")]
    [TestCase("AWS ID:123456789012", "123456789012")]
    [TestCase("AWS Account ID: 123456789012", "123456789012")]
    [TestCase("AWS Account Id 123456789012", "123456789012")]
    [TestCase("AccountId=123456789012", "123456789012")]
    [TestCase("Account Number: 123456789012", "123456789012")]
    [TestCase("Account No. 123456789012", "123456789012")]
    [TestCase("Account #123456789012", "123456789012")]
    [TestCase("AWS Account: 123456789012", "123456789012")]
    [TestCase("[AWS Account: 123456789012]", "123456789012")]
    [TestCase("Your AWS account ID is 123456789012.", "123456789012")]
    [TestCase("account (123456789012)", "123456789012")]
    [TestCase("Account ID\n123456789012", "123456789012")] // a table cell below its header
    [TestCase("AWS ID: 1234-5678-9012", "123456789012")] // the console's grouping
    [TestCase("Account ID: 1234 5678 9012", "123456789012")]
    [TestCase("アカウント ID: １２３４－５６７８－９０１２", "123456789012")] // full-width hyphen-minus
    [TestCase("계정 ID: 123456789012", "123456789012")]
    [TestCase("AWS 账户 ID：123456789012", "123456789012")]
    [TestCase("ID de cuenta: 123456789012", "123456789012")]
    [TestCase("ID de compte : 123456789012", "123456789012")]
    [TestCase("Konto-ID: 123456789012", "123456789012")]
    [TestCase("Account ID: 1234-5678-9012-3456", null)] // 16 digits grouped: a card, not an account
    [TestCase("Account ID: 1234 5678 90123", null)]
    [TestCase("Account ID: 1234-5678 9012", null)] // mixed separators
    [TestCase("Case 123456789012345", null)] // a support case id
    [TestCase("Account ID: 123456789012345", null)] // 15 digits
    [TestCase("Call +1 206 123456789012", null)] // no label
    [TestCase("Report ID 123456789012", null)]
    [TestCase("Timestamp 1731751171000", null)]
    [TestCase("myaccount 123456789012", null)] // a label inside another word
    [TestCase("account balance 123456789012", null)]
    [TestCase("AWS ID: ١٢٣٤٥٦٧٨٩٠١٢", null)] // Arabic-Indic digits are not what AWS writes
    // An ARN's account field is not taken: AWS mail carries ARNs of other accounts than the one it is
    // about (the topic owner in every SNS footer, cross-account roles, an organisation's management account).
    [TestCase("arn:aws:iam::123456789012:role/OrganizationAccountAccessRole", null)]
    [TestCase("Role ARN: arn:aws:iam::123456789012:role/x", null)]
    [TestCase("AWS account arn:aws:iam::123456789012:root", null)]
    [TestCase("SubscriptionArn=arn:aws:sns:us-east-1:123456789012:alarms:0f0f", null)]
    [TestCase("AWS ID: 210987654321 assumed arn:aws:iam::123456789012:role/x", "210987654321")]
    public void FindIds_EveryForm_Table(string text, string? expected) =>
        Assert.That(AccountResolver.FindIds(text), Is.EqualTo(expected is null ? Array.Empty<string>() : new[] { expected }));

    [TestCase("AWS accounts 111111111111, 222222222222 and 333333333333 are affected")]
    [TestCase("Account IDs: 111111111111; 222222222222 / 333333333333")]
    [TestCase("Affected accounts:\n- 111111111111\n- 222222222222\n- 333333333333\n")]
    [TestCase("AWS アカウント ID：111111111111、222222222222 および 333333333333")]
    [TestCase("[AWS ID 111111111111] [AWS ID 222222222222] AWS ID: 333333333333")]
    [TestCase("AWS ID 111111111111 … later: Account ID 2222-2222-2222, and account [333333333333], again AWS ID 111111111111")]
    public void FindIds_SeveralAccounts_AllInOrderOnce(string text) =>
        Assert.That(AccountResolver.FindIds(text), Is.EqualTo(new[] { "111111111111", "222222222222", "333333333333" }));

    [Test]
    public void FindIds_ManyAccounts_ResolveKeepsTheFirstTwenty()
    {
        var text = "Account IDs: " + string.Join(", ", Enumerable.Range(100, 30).Select(i => $"100000000{i}"));

        var facts = AccountResolver.Resolve(SomeFacts.Message() with { Subject = "", Body = text }, AccountMap.Empty);

        Assert.That(facts.AccountIds, Is.EqualTo(Enumerable.Range(100, AccountResolver.MaxAccounts).Select(i => $"100000000{i}")));
    }

    [Test]
    public void Resolve_JapaneseNoticeFixture_FindsTheAccount()
    {
        var facts = AccountResolver.Resolve(MailGate.Core.Tests.Parse.Support.Mail.ParseFixture("japanese-notice-with-account-id-label.eml"), WithAccounts.Accounts);

        Assert.That((facts.AccountId, facts.Account), Is.EqualTo(("123456789012", "prod-payments (123456789012)")));
    }

    [Test]
    public void Resolve_NoticeAboutSeveralAccounts_NamesEachAndThePageSaysAccounts()
    {
        var facts = AccountResolver.Resolve(
            SomeFacts.Message() with { Subject = "Suspicious activity in your AWS account [210987654321]", Body = "Affected AWS accounts: 123456789012, 999999999999 and 210987654321." },
            WithAccounts.Accounts);
        var rules = TestRules.Parse(TestRules.Head + "  - name: t\n    route: oncall\n");

        using (Assert.EnterMultipleScope())
        {
            Assert.That(facts.AccountIds, Is.EqualTo(new[] { "210987654321", "123456789012", "999999999999" }));
            Assert.That((facts.AccountId, facts.AccountName), Is.EqualTo(("210987654321", "sandbox")), "the first stays the single-value account_id");
            Assert.That(facts.OtherAccounts.Select(a => a.Name), Is.EqualTo(new[] { "prod-payments", "" }));
            Assert.That(facts.Account, Is.EqualTo("sandbox (210987654321), prod-payments (123456789012), 999999999999"));
            Assert.That(TestRules.SingleMatch(rules, facts).Summary, Is.EqualTo("Suspicious activity in your AWS account [210987654321] (accounts sandbox (210987654321), prod-payments (123456789012), 999999999999)"));
        }
    }

    [Test]
    public void AccountIds_InConditionsAndTemplates_SeeEveryAccount()
    {
        var rules = TestRules.Parse(TestRules.Head + """
              - name: t
                when:
                  account_ids: { equals: "999999999999" }
                summary: "accounts {account_ids}; first {account_id}"
                dedup_key: "k-{account_ids}"
                route: oncall

            """);
        var facts = AccountResolver.Resolve(SomeFacts.Message() with { Subject = "", Body = "Account IDs: 123456789012, 999999999999" }, AccountMap.Empty);

        var match = TestRules.SingleMatch(rules, facts);

        Assert.That((match.Summary, match.DedupKey), Is.EqualTo(("accounts 123456789012, 999999999999; first 123456789012", "k-123456789012, 999999999999")));
        Assert.That(RuleEvaluator.Evaluate(rules, AccountResolver.Resolve(SomeFacts.Message() with { Body = "Account ID: 123456789012" }, AccountMap.Empty)).IsDropped, Is.True);
    }

    [Test]
    public void Resolve_SupportCaseAccount_IsKeptAndTheTextNotSearched()
    {
        var facts = AccountResolver.Resolve(SomeFacts.Message() with { AccountId = "123456789012", Body = "Customer wrote: account 999999999999" }, WithAccounts.Accounts);

        Assert.That((facts.AccountIds, facts.AccountName), Is.EqualTo((new[] { "123456789012" }, "prod-payments")));
    }

    [Test]
    public void Resolve_IdInTheSubject_NamesTheAccountFromTheMap()
    {
        var facts = AccountResolver.Resolve(SomeFacts.Message() with { Subject = "Abuse Report [AWS ID 123456789012]" }, WithAccounts.Accounts);

        Assert.That((facts.AccountId, facts.AccountName, facts.AccountOwner, facts.Account), Is.EqualTo(("123456789012", "prod-payments", "payments-team", "prod-payments (123456789012)")));
        Assert.That(TestRules.SingleMatch(WithAccounts, facts).Summary, Is.EqualTo("prod-payments (123456789012) / 123456789012 / prod-payments / payments-team"));
    }

    [Test]
    public void Resolve_NoIdInTheText_FindsTheAccountByListId()
    {
        var facts = AccountResolver.Resolve(SomeFacts.Message() with { Subject = "Please review", Body = "", ListId = "AWS-ROOT-210987654321.example.com" }, WithAccounts.Accounts);
        Assert.That(facts.Account, Is.EqualTo("sandbox (210987654321)"));
    }

    [Test]
    public void Resolve_NoIdInTheText_FindsTheAccountByToOrDeliveredTo()
    {
        var byTo = AccountResolver.Resolve(SomeFacts.Message() with { Subject = "x", Body = "", To = ["aws-root-123456789012@example.com"] }, WithAccounts.Accounts);
        var byHeader = AccountResolver.Resolve(SomeFacts.Message() with { Subject = "x", Body = "", Headers = SomeFacts.Headers(("Delivered-To", "<aws-root-123456789012@example.com>")) }, WithAccounts.Accounts);
        Assert.That((byTo.AccountName, byHeader.AccountName), Is.EqualTo(("prod-payments", "prod-payments")));
    }

    [Test]
    public void Resolve_UnknownId_KeepsTheIdWithoutAName()
    {
        var facts = AccountResolver.Resolve(SomeFacts.Message() with { Subject = "AWS ID: 999999999999" }, WithAccounts.Accounts);
        Assert.That((facts.AccountId, facts.AccountName, facts.Account), Is.EqualTo(("999999999999", "", "999999999999")));
    }

    [Test]
    public void Resolve_NothingKnown_ReturnsTheSameFacts()
    {
        var facts = SomeFacts.Message() with { Subject = "hello", Body = "" };
        Assert.That(AccountResolver.Resolve(facts, WithAccounts.Accounts), Is.SameAs(facts));
    }

    [Test]
    public void DefaultSummary_NamesTheAccount()
    {
        var rules = TestRules.Parse(TestRules.Head + "  - name: t\n    route: oncall\n");
        var facts = AccountResolver.Resolve(SomeFacts.Message() with { Subject = "Abuse Report [AWS ID 123456789012]" }, WithAccounts.Accounts);
        Assert.That(TestRules.SingleMatch(rules, facts).Summary, Is.EqualTo("Abuse Report [AWS ID 123456789012] (account prod-payments (123456789012))"));
    }

    [TestCase("accounts: { a@example.com: { id: \"12345\" } }", "account 'a@example.com': id '12345' is not a 12-digit AWS account id")]
    [TestCase("accounts: { a@example.com: { name: x } }", "account 'a@example.com' needs 'id'")]
    [TestCase("accounts: { a@example.com: { id: \"123456789012\", colour: red } }", "account 'a@example.com': unknown key 'colour'")]
    public void Load_BadAccounts_IsAnError(string section, string message)
    {
        var errors = TestRules.Errors(TestRules.Head.Replace("rules:\n", section + "\nrules:\n", StringComparison.Ordinal) + "  - name: t\n    route: oncall\n");
        Assert.That(errors.Select(e => e.Message), Has.Some.StartsWith(message));
    }
}
