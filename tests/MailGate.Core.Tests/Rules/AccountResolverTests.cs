using MailGate.Core.Tests.Rules.Support;
using MailGate.Rules;

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
