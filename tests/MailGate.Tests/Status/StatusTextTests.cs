using MailGate.Status;

namespace MailGate.Tests.Status;

/// <summary>Issue #17: the pure parts of the status page: showing attacker text, paging, loopback, filtering.</summary>
[TestFixture]
public sealed class StatusTextTests
{
    [TestCase(null, 10, "")]
    [TestCase("", 10, "")]
    [TestCase("plain", 10, "plain")]
    [TestCase("<img src=x onerror=alert(1)>", 100, "&lt;img src=x onerror=alert(1)&gt;")]
    [TestCase("\"quoted\" & 'single'", 100, "&quot;quoted&quot; &amp; &#39;single&#39;")]
    [TestCase("Invoice \u202Egpj.exe", 100, "Invoice [U+202E]gpj.exe")]
    [TestCase("\u202A\u202B\u202C\u202D", 100, "[U+202A][U+202B][U+202C][U+202D]")]
    [TestCase("a\u2066b\u2067c\u2068d\u2069e", 100, "a[U+2066]b[U+2067]c[U+2068]d[U+2069]e")]
    [TestCase("mark\u200E\u200F\u061C", 100, "mark[U+200E][U+200F][U+061C]")]
    [TestCase("bell\u0007esc\u001B[31m", 100, "bell[U+0007]esc[U+001B][31m")]
    [TestCase("tab\tand\r\nlines", 100, "tab\tand\r\nlines")]
    [TestCase("abcdefghij", 10, "abcdefghij")]
    [TestCase("abcdefghijk", 10, "abcdefghi…")]
    [TestCase("<<<<<<<<<<<<", 5, "&lt;&lt;&lt;&lt;…")]
    [TestCase("ab\u202Ecdef", 6, "ab[U+…")]
    [TestCase("abcd😀efgh", 6, "abcd…")]
    [TestCase("abc😀efgh", 6, "abc&#128512;…")]
    public void Html_NeutralisesCutsAndEncodes(string? text, int max, string expected) =>
        Assert.That(StatusText.Html(text, max), Is.EqualTo(expected));

    [TestCase("abc", 1, "…")]
    [TestCase("a", 1, "a")]
    [TestCase("<b>", 10, "<b>")]
    public void Plain_CutsButDoesNotEncode(string text, int max, string expected) =>
        Assert.That(StatusText.Plain(text, max), Is.EqualTo(expected));

    [TestCase(0, null, null, 1, 25, 0, 1)]
    [TestCase(60, null, null, 1, 25, 25, 3)]
    [TestCase(60, 3, null, 3, 25, 10, 3)]
    [TestCase(60, 4, null, 3, 25, 10, 3)]
    [TestCase(60, 0, null, 1, 25, 25, 3)]
    [TestCase(60, -5, 10, 1, 10, 10, 6)]
    [TestCase(60, 2, 0, 2, 25, 25, 3)]
    [TestCase(500, 1, 1000, 1, 200, 200, 3)]
    [TestCase(5, 1, 5, 1, 5, 5, 1)]
    public void Paging_ClampsPageAndSize(int count, int? number, int? size, int page, int perPage, int items, int pages)
    {
        var result = Paging.Of(Enumerable.Range(0, count).ToArray(), number, size);
        Assert.That((result.Number, result.Size, result.Items.Count, result.Pages, result.Total, result.HasNext), Is.EqualTo((page, perPage, items, pages, count, page < pages)));
        Assert.That(result.Items.Count == 0 ? 0 : result.Items[0], Is.EqualTo(count == 0 ? 0 : (page - 1) * perPage));
    }

    [TestCase("http://127.0.0.1:8025", true)]
    [TestCase("http://127.1.2.3:0", true)]
    [TestCase("http://localhost:8025", true)]
    [TestCase("http://[::1]:8025", true)]
    [TestCase("http://127.0.0.1:8025;http://[::1]:8025", true)]
    [TestCase("http://0.0.0.0:8025", false)]
    [TestCase("http://*:8025", false)]
    [TestCase("http://+:8025", false)]
    [TestCase("http://[::]:8025", false)]
    [TestCase("http://10.0.0.5:8025", false)]
    [TestCase("http://127.0.0.1:8025;http://10.0.0.5:8025", false)]
    public void LoopbackOnly_OnlyWhenEveryAddressIsLoopback(string url, bool loopback) =>
        Assert.That(StatusAccess.IsLoopbackOnly(url), Is.EqualTo(loopback));

    [TestCase(null, null, true)]
    [TestCase("ABUSE", null, true)]
    [TestCase("aws-abuse", null, true)]
    [TestCase("dedup-1", null, true)]
    [TestCase("PagerDuty said", null, true)]
    [TestCase("nothing like it", null, false)]
    [TestCase(null, "rejected", true)]
    [TestCase(null, "DELIVERED", true)]
    [TestCase(null, "dead", true)]
    [TestCase(null, "pending", false)]
    [TestCase("abuse", "pending", false)]
    public void Filter_MatchesTextAnywhereAndOutcomeOrArea(string? text, string? outcome, bool matches)
    {
        var row = new DecisionSummary("01a-1", DateTimeOffset.UnixEpoch, "mail", "dead", "ec2-abuse@amazon.com", "Abuse Report", "123456789012",
            ["aws-abuse"], "page", true, "delivered,rejected", ["dedup-1"], "PagerDuty said no");
        Assert.That(new DecisionFilter(text, outcome).Matches(row), Is.EqualTo(matches));
    }
}
