using MailGate.Core.Parse;
using System.Text.Json;

namespace MailGate.Core.Tests.Parse;

/// <summary>Attacker text made safe to show (issue #11 §1): one policy for logs, incidents and the CLI.</summary>
[TestFixture]
public class UntrustedTextTests
{
    private static readonly JsonSerializerOptions Relaxed = new() { Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    [TestCase("plain text", "plain text")]
    [TestCase("日本語 Grüße 😀", "日本語 Grüße 😀")]
    [TestCase("clear \u001b[2Jscreen", "clear \\u001B[2Jscreen")]
    [TestCase("\u001b[31mred\u001b[0m", "\\u001B[31mred\\u001B[0m")]
    [TestCase("nul\0byte", "nul\\u0000byte")]
    [TestCase("bell\a", "bell\\u0007")]
    [TestCase("line\r\nbreak", "line\\u000D\\u000Abreak")]
    [TestCase("tab\there", "tab\\u0009here")]
    [TestCase("del\u007f", "del\\u007F")]
    [TestCase("nel\u0085c1\u009b", "nel\\u0085c1\\u009B")]
    [TestCase("invoice\u202Efdp.exe", "invoice\\u202Efdp.exe")] // right-to-left override
    [TestCase("\u202A\u202B\u202C\u202D", "\\u202A\\u202B\\u202C\\u202D")]
    [TestCase("\u2066\u2067\u2068\u2069", "\\u2066\\u2067\\u2068\\u2069")] // isolates
    [TestCase("\u200E\u200F\u061C", "\\u200E\\u200F\\u061C")] // LRM, RLM, ALM
    [TestCase("line\u2028para\u2029", "line\\u2028para\\u2029")]
    public void Escape_Table(string text, string expected) => Assert.That(UntrustedText.Escape(text), Is.EqualTo(expected));

    [TestCase(0xD800, "lone ", " high", "lone \\uD800 high")]
    [TestCase(0xDC00, "lone ", " low", "lone \\uDC00 low")]
    [TestCase(0xD800, "", "", "\\uD800")]
    public void Escape_UnpairedSurrogate_IsEscaped(int surrogate, string before, string after, string expected) =>
        Assert.That(UntrustedText.Escape(before + (char)surrogate + after), Is.EqualTo(expected)); // built here: attribute strings cannot carry one

    [Test]
    public void Escape_ReversedSurrogatePair_IsTwoLoneHalves() =>
        Assert.That(UntrustedText.Escape(new string(['\uDC00', '\uD800'])), Is.EqualTo("\\uDC00\\uD800"));

    [Test]
    public void Escape_SurrogatePair_IsKept() => Assert.That(UntrustedText.Escape("a😀b"), Is.EqualTo("a😀b"));

    [Test]
    public void Escape_SafeText_IsTheSameInstance()
    {
        var text = "Your AWS Abuse Report [12345678]";
        Assert.That(UntrustedText.Escape(text), Is.SameAs(text));
    }

    [Test]
    public void Escape_KeepList_KeepsOnlyThose() =>
        Assert.That(UntrustedText.Escape("a\nb\tc\rd\u001be", keep: "\n\t"), Is.EqualTo("a\nb\tc\\u000Dd\\u001Be"));

    [Test]
    public void Escape_JsonText_StaysValidJsonWithTheSameValue()
    {
        var value = "a\u202Eb\u2066c\u200Ed\u061Ce";
        var json = JsonSerializer.Serialize(value, Relaxed);

        var escaped = UntrustedText.Escape(json);

        Assert.That(escaped, Has.None.InRange('\u2000', '\uFFFF'));
        Assert.That(JsonSerializer.Deserialize<string>(escaped), Is.EqualTo(value));
    }

    [TestCase("short", 10, "short")]
    [TestCase("0123456789", 10, "0123456789")]
    [TestCase("0123456789X", 10, "0123456789…(+1 chars)")]
    [TestCase("ab😀cd", 3, "ab…(+4 chars)")] // never splits a surrogate pair
    public void Bound_Table(string text, int max, string expected) => Assert.That(UntrustedText.Bound(text, max), Is.EqualTo(expected));

    [Test]
    public void ForDisplay_HugeHostileValue_IsBoundedAndEscaped()
    {
        var subject = string.Concat(Enumerable.Repeat("\u001b[2J\u202E", 40_000));

        var shown = UntrustedText.ForDisplay(subject, 1024);

        Assert.That(shown.Length, Is.LessThanOrEqualTo(1024 * 6 + 32));
        Assert.That(shown, Does.EndWith($"…(+{subject.Length - 1024} chars)"));
        Assert.That(UntrustedText.NeedsEscape(shown), Is.False);
    }

    [Test]
    public void EveryUnsafeCharacter_IsEscaped()
    {
        for (var c = '\0'; c < '\uFFFF'; c++)
        {
            if (UntrustedText.IsUnsafe(c))
            {
                Assert.That(UntrustedText.Escape(c.ToString()), Is.EqualTo($"\\u{(int)c:X4}"));
            }
        }

        Assert.That(Enumerable.Range(0, 0x10000).Count(i => UntrustedText.IsUnsafe((char)i)), Is.EqualTo(32 + 1 + 32 + 3 + 5 + 4 + 2));
    }
}
