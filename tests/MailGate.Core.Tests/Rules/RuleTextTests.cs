
using MailGate.Core.Rules;

namespace MailGate.Core.Tests.Rules;

/// <summary>Issue 12 §2: the one whitespace rule for everything rules read.</summary>
[TestFixture]
public class RuleTextTests
{
    [TestCase("Abuse Report", "Abuse Report")]
    [TestCase("Abuse\tReport", "Abuse Report")]
    [TestCase("Abuse\r\n\tReport", "Abuse Report")]
    [TestCase("Abuse \t \r\n Report", "Abuse Report")]
    [TestCase("Abuse\u000BReport", "Abuse Report")]
    [TestCase("Abuse\u000CReport", "Abuse Report")]
    [TestCase("Abuse\u0085Report", "Abuse Report")]
    [TestCase("Abuse\u00A0Report", "Abuse Report")]
    [TestCase("Abuse\u1680Report", "Abuse Report")]
    [TestCase("Abuse\u2000Report", "Abuse Report")]
    [TestCase("Abuse\u2005Report", "Abuse Report")]
    [TestCase("Abuse\u200AReport", "Abuse Report")]
    [TestCase("Abuse\u2028Report", "Abuse Report")]
    [TestCase("Abuse\u2029Report", "Abuse Report")]
    [TestCase("Abuse\u202FReport", "Abuse Report")]
    [TestCase("Abuse\u205FReport", "Abuse Report")]
    [TestCase("Abuse\u3000Report", "Abuse Report")]
    [TestCase("Abuse\u00A0\u3000\t Report", "Abuse Report")]
    [TestCase("Ab\u200Buse Report", "Abuse Report")]
    [TestCase("Abuse\u200C \u200DReport", "Abuse Report")]
    [TestCase("Abuse \u2060 Report", "Abuse Report")]
    [TestCase("\uFEFFAbuse Report", "Abuse Report")]
    [TestCase("Abu\u00ADse Re\u180Eport", "Abuse Report")]
    [TestCase("Abuse\u200BReport", "AbuseReport")]
    [TestCase("  Abuse Report\t\r\n", "Abuse Report")]
    [TestCase("\u00A0\u200B ", "")]
    [TestCase("", "")]
    [TestCase("a  b   c", "a b c")]
    [TestCase("Abuse\u0000Report", "Abuse\u0000Report")]
    [TestCase("Abuse\u001BReport", "Abuse\u001BReport")]
    [TestCase("Abuse-Report", "Abuse-Report")]
    [TestCase("日本語\u3000の件名", "日本語 の件名")]
    public void Normalize_Text_IsWhatAReaderSees(string text, string expected)
    {
        Assert.Multiple(() =>
        {
            Assert.That(RuleText.Normalize(text), Is.EqualTo(expected));
            Assert.That(RuleText.IsNormal(text), Is.EqualTo(text == expected));
            Assert.That(RuleText.Normalize(expected), Is.EqualTo(expected), "normalising is idempotent");
        });
    }

    [TestCase("Status: ALARM", "Status: ALARM")]
    [TestCase("a\r\nb", "a\nb")]
    [TestCase("a\rb\nc\u0085d\u2028e\u2029f", "a\nb\nc\nd\ne\nf")]
    [TestCase("a\r\n\r\nb", "a\n\nb")]
    [TestCase("a\n \t \nb", "a\n\nb")]
    [TestCase("\r\n\r\n  a  \r\n\r\n", "a")]
    [TestCase("  Status:\t\u00A0ALARM  \r\n  Region:  us-east-1 ", "Status: ALARM\nRegion: us-east-1")]
    [TestCase("a\u000Bb\u000Cc", "a b c")]
    [TestCase("Abu\u00ADse\u200B\r\n\u200BReport", "Abuse\nReport")]
    [TestCase("\n", "")]
    [TestCase("", "")]
    public void NormalizeLines_Text_IsEachLineNormalisedLinesKept(string text, string expected)
    {
        Assert.Multiple(() =>
        {
            Assert.That(RuleText.NormalizeLines(text), Is.EqualTo(expected));
            Assert.That(RuleText.NormalizeLines(expected), Is.EqualTo(expected), "idempotent");
            Assert.That(RuleText.Normalize(RuleText.NormalizeLines(text)), Is.EqualTo(RuleText.Normalize(text)), "the same text, read as one line");
        });
    }

    [Test]
    public void Normalize_AlreadyNormal_ReturnsTheSameInstance()
    {
        var text = string.Concat("Your AWS Abuse Report ", "[12345678]");

        Assert.That(RuleText.Normalize(text), Is.SameAs(text));
    }

    [Test]
    public void Normalize_EveryUnicodeWhiteSpace_IsOneSpace()
    {
        for (var c = 0; c <= char.MaxValue; c++)
        {
            if (char.IsWhiteSpace((char)c))
            {
                Assert.That(RuleText.Normalize($"a{(char)c}{(char)c}b"), Is.EqualTo("a b"), $"U+{c:X4}");
            }
        }
    }
}
