using System.Text;
using MailGate.Core.Coverage;

namespace MailGate.Core.Tests.Coverage;

/// <summary><see cref="ProbeToken"/>: made only with the key, accepted only in time, found wherever Google Groups keeps it.</summary>
[TestFixture]
public sealed class ProbeTokenTests
{
    internal static readonly byte[] Key = Encoding.UTF8.GetBytes("probe-key-0123456789abcdef");
    internal const string Account = "123456789012";
    internal const string Probe = "0123456789abcdef";
    internal static readonly DateTimeOffset SentAt = new(2026, 11, 12, 11, 50, 0, TimeSpan.Zero);
    private static readonly TimeSpan MaxAge = TimeSpan.FromHours(3);

    internal static string Token(DateTimeOffset? sentAt = null, byte[]? key = null, string account = Account, string probe = Probe) =>
        ProbeToken.Create(key ?? Key, account, probe, sentAt ?? SentAt);

    [Test]
    public void Create_Shape_PrefixAccountProbeSecondsMac()
    {
        var token = Token();

        Assert.That(token, Does.Match("^mgp1-123456789012-0123456789abcdef-[0-9]+-[0-9a-f]{32}$"));
        Assert.That(token, Does.Contain("-" + SentAt.ToUnixTimeSeconds() + "-"));
    }

    // The verdict a token gets, arriving "after" its send time, with "key" the key it was made with.
    [TestCase("10m", "key", ProbeTokenVerdict.Valid, TestName = "Verify_InTime_Valid")]
    [TestCase("0s", "key", ProbeTokenVerdict.Valid, TestName = "Verify_AtOnce_Valid")]
    [TestCase("-30s", "key", ProbeTokenVerdict.Valid, TestName = "Verify_ClockSkewUnderAMinute_Valid")]
    [TestCase("-4m", "key", ProbeTokenVerdict.Valid, TestName = "Verify_SendersClock4MinutesAhead_Valid")]
    [TestCase("-6m", "key", ProbeTokenVerdict.Expired, TestName = "Verify_FromTheFuture_Expired")]
    [TestCase("3h", "key", ProbeTokenVerdict.Valid, TestName = "Verify_AtMaxAge_Valid")]
    [TestCase("3h1s", "key", ProbeTokenVerdict.Expired, TestName = "Verify_PastMaxAge_Expired")]
    [TestCase("10m", "other", ProbeTokenVerdict.BadMac, TestName = "Verify_OtherKey_BadMac")]
    public void Verify_Table(string after, string key, ProbeTokenVerdict expected)
    {
        var made = key == "key" ? Key : Encoding.UTF8.GetBytes("another-installation-key");
        var check = ProbeToken.Verify(Key, Token(key: made), SentAt + Span(after), MaxAge);

        Assert.That(check.Verdict, Is.EqualTo(expected));
        Assert.That((check.AccountId, check.ProbeId, check.SentAt), Is.EqualTo((Account, Probe, SentAt)));
    }

    [TestCase("account", TestName = "Verify_AccountChanged_BadMac")]
    [TestCase("probe", TestName = "Verify_ProbeChanged_BadMac")]
    [TestCase("time", TestName = "Verify_SendTimeChanged_BadMac")]
    [TestCase("mac", TestName = "Verify_MacChanged_BadMac")]
    public void Verify_AnyPartChanged_BadMac(string part)
    {
        var parts = Token().Split('-');
        var index = part switch { "account" => 1, "probe" => 2, "time" => 3, _ => 4 };
        var last = parts[index][^1];
        parts[index] = parts[index][..^1] + (last == '1' ? '2' : '1');

        Assert.That(ProbeToken.Verify(Key, string.Join('-', parts), SentAt.AddMinutes(5), MaxAge).Verdict, Is.EqualTo(ProbeTokenVerdict.BadMac));
    }

    [TestCase("", TestName = "Verify_Empty_Malformed")]
    [TestCase("mgp1-123456789012-0123456789abcdef-1", TestName = "Verify_Truncated_Malformed")]
    [TestCase("mgp2-123456789012-0123456789abcdef-1763000000-0123456789abcdef0123456789abcdef", TestName = "Verify_OtherVersion_Malformed")]
    [TestCase("mgp1-12345678901-0123456789abcdef-1763000000-0123456789abcdef0123456789abcdef", TestName = "Verify_ShortAccount_Malformed")]
    [TestCase("mgp1-123456789012-0123456789ABCDEF-1763000000-0123456789abcdef0123456789abcdef", TestName = "Verify_UpperCaseProbe_Malformed")]
    [TestCase("mgp1-123456789012-0123456789abcdef-999999999999-0123456789abcdef0123456789abcdef", TestName = "Verify_TimeBeyondYear9999_Malformed")]
    [TestCase(" mgp1-123456789012-0123456789abcdef-1763000000-0123456789abcdef0123456789abcdef", TestName = "Verify_LeadingSpace_Malformed")]
    public void Verify_NotAToken_Malformed(string token) =>
        Assert.That(ProbeToken.Verify(Key, token, SentAt, MaxAge).Verdict, Is.EqualTo(ProbeTokenVerdict.Malformed));

    [TestCase("[aws-root] MailGate coverage probe {0}", TestName = "Find_InATaggedSubject_Found")]
    [TestCase("text before {0}\r\n-- \r\nYou received this message because you are subscribed", TestName = "Find_InABodyWithAFooter_Found")]
    [TestCase("<p>{0}</p>", TestName = "Find_InHtml_Found")]
    public void Find_TokenInText_Found(string text)
    {
        var token = Token();

        Assert.That(ProbeToken.Find(string.Format(System.Globalization.CultureInfo.InvariantCulture, text, token)), Is.EqualTo(token));
    }

    [TestCase(null, TestName = "Find_Null_None")]
    [TestCase("", TestName = "Find_Empty_None")]
    [TestCase("mgp1-123456789012-0123456789abcdef-1763000000-0123456789abcdef0123456789abcdefX", TestName = "Find_MacRunsOn_None")]
    public void Find_NoToken_Null(string? text) => Assert.That(ProbeToken.Find(text), Is.Null);

    [Test]
    public void Create_ShortKey_Throws() =>
        Assert.That(() => ProbeToken.Create(new byte[15], Account, Probe, SentAt), Throws.ArgumentException);

    [Test]
    public void NewProbeId_Shape_SixteenLowerHexDigits() =>
        Assert.That(ProbeToken.NewProbeId(), Does.Match("^[0-9a-f]{16}$"));

    private static TimeSpan Span(string text)
    {
        var negative = text.StartsWith('-');
        text = text.TrimStart('-');
        var total = TimeSpan.Zero;
        foreach (System.Text.RegularExpressions.Match m in System.Text.RegularExpressions.Regex.Matches(text, "([0-9]+)([hms])"))
        {
            var n = int.Parse(m.Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture);
            total += m.Groups[2].Value switch { "h" => TimeSpan.FromHours(n), "m" => TimeSpan.FromMinutes(n), _ => TimeSpan.FromSeconds(n) };
        }

        return negative ? -total : total;
    }
}
