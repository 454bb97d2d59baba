using MailGate.Core.Parse;
using MailGate.Core.Rules;
using System.Security.Cryptography;
using System.Text;
using MailGate.Core.Tests.Rules.Support;

namespace MailGate.Core.Tests.Rules;

[TestFixture]
public class DedupKeyTests
{
    private static string Hash32(string text) =>
        Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(text)))[..32];

    private static string KeyOf(MessageFacts facts, string rule = "aws-abuse-report", string extraLines = "")
    {
        var sut = TestRules.Parse(TestRules.Head + $"  - name: {rule}\n    route: oncall\n{extraLines}");
        return TestRules.SingleMatch(sut, facts).DedupKey;
    }

    [Test]
    public void DefaultKey_WithMessageId_IsRuleAndHashOfRuleAndMessageId()
    {
        var facts = SomeFacts.Message() with { MessageId = "CAB123@mail.gmail.com" };

        Assert.That(KeyOf(facts), Is.EqualTo("mailgate-aws-abuse-report-" + Hash32("aws-abuse-report\nCAB123@mail.gmail.com")));
    }

    [Test]
    public void DefaultKey_SameEmailDeliveredTwice_IsTheSame()
    {
        var viaGroupA = SomeFacts.Message() with { SpoolId = "s1", Recipients = ["a@mailgate.example.com"], From = "group-a@example.com" };
        var viaGroupB = SomeFacts.Message() with { SpoolId = "s2", Recipients = ["b@mailgate.example.com"], From = "group-b@example.com" };

        Assert.That(KeyOf(viaGroupA), Is.EqualTo(KeyOf(viaGroupB)));
    }

    [Test]
    public void DefaultKey_DifferentMessageId_Differs()
    {
        Assert.That(
            KeyOf(SomeFacts.Message() with { MessageId = "one@example.org" }),
            Is.Not.EqualTo(KeyOf(SomeFacts.Message() with { MessageId = "two@example.org" })));
    }

    [Test]
    public void DefaultKey_DifferentRule_Differs()
    {
        var facts = SomeFacts.Message();

        Assert.That(KeyOf(facts, "rule-a")[^32..], Is.Not.EqualTo(KeyOf(facts, "rule-b")[^32..]));
    }

    [Test]
    public void DefaultKey_NoMessageId_UsesContentHash()
    {
        var facts = SomeFacts.Message() with { MessageId = "", ContentHash = "c0ffee" };

        Assert.Multiple(() =>
        {
            Assert.That(KeyOf(facts), Is.EqualTo("mailgate-aws-abuse-report-" + Hash32("aws-abuse-report\ncontent:c0ffee")));
            Assert.That(KeyOf(facts), Is.Not.EqualTo(KeyOf(facts with { ContentHash = "c0ffef" })));
        });
    }

    [Test]
    public void DefaultKey_LongRuleName_IsAtMost255()
    {
        var rule = new string('r', 300);

        var key = KeyOf(SomeFacts.Message(), rule);

        Assert.Multiple(() =>
        {
            Assert.That(key, Has.Length.EqualTo(255));
            Assert.That(key, Does.StartWith("mailgate-rrr"));
        });
    }

    /// <summary>The bound cut the hash off: every email of a rule with a name of 246+ characters had one key, and paged once.</summary>
    [TestCase(246)]
    [TestCase(300)]
    [TestCase(16_000)]
    public void DefaultKey_LongRuleName_KeepsTheWholeHashSoDifferentEmailsDiffer(int nameLength)
    {
        var rule = new string('r', nameLength);

        var first = KeyOf(SomeFacts.Message() with { MessageId = "one@example.org" }, rule);
        var second = KeyOf(SomeFacts.Message() with { MessageId = "two@example.org" }, rule);

        Assert.Multiple(() =>
        {
            Assert.That(first, Is.Not.EqualTo(second));
            Assert.That(first, Has.Length.EqualTo(255));
            Assert.That(first, Does.EndWith(Hash32(rule + "\none@example.org")));
        });
    }

    [Test]
    public void DefaultKey_LongRuleNameOfPairs_NeverSplitsASurrogatePair()
    {
        var rule = string.Concat(Enumerable.Repeat("\U0001F6A8", 200)); // 🚨, two chars each

        var key = KeyOf(SomeFacts.Message(), rule);

        Assert.Multiple(() =>
        {
            Assert.That(key, Has.Length.LessThanOrEqualTo(255));
            Assert.That(char.IsHighSurrogate(key[^33]), Is.False, "the name is cut between pairs, before the hash");
            Assert.That(key, Does.EndWith(Hash32(rule + "\nabc123@example.org")));
        });
    }

    [Test]
    public void TemplatedKey_Short_IsUsedAsRendered()
    {
        var key = KeyOf(SomeFacts.Message(), "t", "    dedup_key: 'aws-{sender}'\n");

        Assert.That(key, Is.EqualTo("aws-someone@example.org"));
    }

    [Test]
    public void TemplatedKey_Exactly255_IsKept()
    {
        var subject = new string('s', 255);

        var key = KeyOf(SomeFacts.With("subject", subject), "t", "    dedup_key: '{subject}'\n");

        Assert.That(key, Is.EqualTo(subject));
    }

    [Test]
    public void TemplatedKey_Over255_IsReplacedByItsHash()
    {
        var subject = new string('s', 256);

        var key = KeyOf(SomeFacts.With("subject", subject), "t", "    dedup_key: '{subject}'\n");

        Assert.That(key, Is.EqualTo("mailgate-t-" + Hash32(subject)));
    }

    [Test]
    public void TemplatedKey_Over255WithLongRuleName_IsTruncatedTo255AndKeepsTheHash()
    {
        var rule = new string('r', 250);

        var first = KeyOf(SomeFacts.With("subject", new string('s', 300)), rule, "    dedup_key: '{subject}'\n");
        var second = KeyOf(SomeFacts.With("subject", new string('t', 300)), rule, "    dedup_key: '{subject}'\n");

        Assert.Multiple(() =>
        {
            Assert.That(first, Has.Length.EqualTo(255));
            Assert.That(first, Is.Not.EqualTo(second));
            Assert.That(first, Does.EndWith(Hash32(new string('s', 300))));
        });
    }

    [Test]
    public void TemplatedKey_RendersBlank_FallsBackToDefault()
    {
        var facts = SomeFacts.Message() with { ListId = "" };

        Assert.That(KeyOf(facts, "t", "    dedup_key: '{list_id}'\n"), Is.EqualTo(KeyOf(facts, "t")));
    }

    [TestCase("m1@example.org", "c0ffee", "m1@example.org")]
    [TestCase("", "c0ffee", "content:c0ffee")]
    public void MessageKey_Mail_IsTheMessageIdElseTheContentHash(string messageId, string contentHash, string expected)
    {
        Assert.That(DedupKeys.Identity(SomeFacts.Message() with { MessageId = messageId, ContentHash = contentHash }), Is.EqualTo(expected));
    }

    [Test]
    public void UntrustedKey_Short_IsPrefixed()
    {
        Assert.That(DedupKeys.Untrusted("r", "aws-abuse-report-123456789012-12345678"), Is.EqualTo("unverified-aws-abuse-report-123456789012-12345678"));
    }

    [Test]
    public void UntrustedKey_PrefixMakesItTooLong_IsHashedWithinTheLimit()
    {
        var key = new string('k', 250);

        var untrusted = DedupKeys.Untrusted("r", key);

        Assert.Multiple(() =>
        {
            Assert.That(untrusted, Is.EqualTo("mailgate-r-" + Hash32("unverified-" + key)));
            Assert.That(untrusted, Is.Not.EqualTo(DedupKeys.Templated("r", key)));
        });
    }
}
