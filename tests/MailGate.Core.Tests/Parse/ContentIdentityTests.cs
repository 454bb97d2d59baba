using MailGate.Core.Parse;
using MailGate.Core.Rules;
using System.Text;
using MailGate.Core.Tests.Parse.Support;
using MailGate.Core.Tests.Rules.Support;

namespace MailGate.Core.Tests.Parse;

/// <summary>
/// The identity of an email without a Message-ID (issue #12 §3): the same whichever groups it passed,
/// different for different emails.
/// </summary>
[TestFixture]
public class ContentIdentityTests
{
    private const string Author = "monitor@tools.example.net";
    private const string Date = "Mon, 16 Nov 2026 10:00:00 +0000";
    private const string Subject = "Root user sign-in alert for AWS account 123456789012";
    private const string Body = "Root user sign-in detected for AWS account 123456789012.\r\nTime: 2026-11-16T09:59:31Z  Source IP: 192.0.2.44  MFA: no\r\n";

    [Test]
    public void ContentHash_AlertWithoutMessageIdThroughTwoGroups_IsTheSame()
    {
        var viaRoot = Mail.ParseFixture("alert-without-message-id-via-root-group.eml");
        var viaSecurity = Mail.ParseFixture("alert-without-message-id-via-security-group.eml");

        using (Assert.EnterMultipleScope())
        {
            Assert.That(viaRoot.MessageId, Is.Empty);
            Assert.That(viaSecurity.ListId, Is.Not.EqualTo(viaRoot.ListId), "two different groups");
            Assert.That(viaSecurity.ContentHash, Is.EqualTo(viaRoot.ContentHash));
        }
    }

    [Test]
    public void DefaultDedupKey_AlertWithoutMessageIdThroughTwoGroups_OneIncident()
    {
        var rules = TestRules.Parse(TestRules.Head + "  - name: root-alert\n    route: oncall\n");

        var viaRoot = TestRules.SingleMatch(rules, Mail.ParseFixture("alert-without-message-id-via-root-group.eml"));
        var viaSecurity = TestRules.SingleMatch(rules, Mail.ParseFixture("alert-without-message-id-via-security-group.eml"));

        Assert.That(viaSecurity.DedupKey, Is.EqualTo(viaRoot.DedupKey).And.StartsWith("mailgate-root-alert-"));
    }

    private static readonly object[] Paths =
    [
        new object[] { "through group a", Email(groups: ["a"]) },
        new object[] { "through group b (another footer, tag, List-Id, From)", Email(groups: ["b"]) },
        new object[] { "through a, then b (two footers, two tags)", Email(groups: ["a", "b"]) },
        new object[] { "through b, then a", Email(groups: ["b", "a"]) },
        new object[] { "through a group that does not rewrite From", Email(groups: ["a"], rewriteFrom: false) },
        new object[] { "through a group that sets no subject tag", Email(groups: ["a"], tag: false) },
        new object[] { "as HTML and text, footers in both parts", Email(groups: ["a"], html: true) },
        new object[] { "with other transport headers (Received, ARC, DKIM, Authentication-Results)", Email(groups: ["a"], hop: "mx2") },
        new object[] { "base64 instead of 8bit", Email(groups: ["a"], base64: true) },
        new object[] { "refolded subject", Email(groups: ["a"], subject: "Root user sign-in alert\r\n for AWS account 123456789012") },
    ];

    [TestCaseSource(nameof(Paths))]
    public void ContentHash_SameEmailAnyPath_IsTheSame(string path, string raw)
    {
        var direct = Mail.Parse(Email(groups: []));

        Assert.That(Mail.Parse(raw).ContentHash, Is.EqualTo(direct.ContentHash), path);
    }

    /// <summary>
    /// A body just under the parser's cut, through one group or two: the footers (of different lengths
    /// and groups) fall past the cut. They were cut into the body, so each path had its own hash.
    /// </summary>
    [TestCase(0)]
    [TestCase(1)]
    [TestCase(40)]
    [TestCase(300)]
    public void ContentHash_BodyJustUnderTheCut_IsTheSameThroughAnyGroups(int spare)
    {
        var body = string.Concat(Enumerable.Repeat(Body, 30));
        var options = new MessageParserOptions { MaxBodyChars = body.TrimEnd().Length + spare };

        var direct = Mail.Parse(Email(groups: [], body: body), options);
        var viaA = Mail.Parse(Email(groups: ["a"], body: body), options);
        var viaBThenA = Mail.Parse(Email(groups: ["b", "a"], body: body, html: true), options);

        Assert.Multiple(() =>
        {
            Assert.That(viaA.Body.TrimEnd(), Is.EqualTo(direct.Body.TrimEnd()).And.Not.Contain("Google"));
            Assert.That(viaA.ContentHash, Is.EqualTo(direct.ContentHash));
            Assert.That(viaBThenA.ContentHash, Is.EqualTo(direct.ContentHash));
        });
    }

    [Test]
    public void ContentHash_BodyLongerThanTheCut_IsTheSameThroughAnyGroups()
    {
        var body = string.Concat(Enumerable.Repeat(Body, 30));
        var options = new MessageParserOptions { MaxBodyChars = 1000 };

        var direct = Mail.Parse(Email(groups: [], body: body), options);
        var viaBThenA = Mail.Parse(Email(groups: ["b", "a"], body: body), options);

        Assert.That((viaBThenA.Body.Length, viaBThenA.ContentHash), Is.EqualTo((1000, direct.ContentHash)));
    }

    private static readonly object[] OtherEmails =
    [
        new object[] { "another author", Email(groups: ["a"], author: "other@tools.example.net") },
        new object[] { "a date one second later", Email(groups: ["a"], date: "Mon, 16 Nov 2026 10:00:01 +0000") },
        new object[] { "no date", Email(groups: ["a"], date: null) },
        new object[] { "another account in the subject", Email(groups: ["a"], subject: Subject.Replace("123456789012", "123456789013", StringComparison.Ordinal)) },
        new object[] { "the author's own tag in the subject", Email(groups: ["a"], subject: "[Action Required] " + Subject) },
        new object[] { "a bracketed name of a group it did not pass", Email(groups: ["a"], subject: "[b] " + Subject) },
        new object[] { "one more character in the body", Email(groups: ["a"], body: Body.Replace("no", "no!", StringComparison.Ordinal)) },
        new object[] { "another source IP", Email(groups: ["a"], body: Body.Replace("192.0.2.44", "192.0.2.45", StringComparison.Ordinal)) },
        new object[] { "the author's signature after the text", Email(groups: ["a"], body: Body + "-- \r\nMonitor\r\n") },
        new object[] { "another To", Email(groups: ["a"], to: "aws-root-210987654321@example.com") },
        new object[] { "another Cc", Email(groups: ["a"], cc: "") },
        new object[] { "words moved between subject and body", Email(groups: ["a"], subject: "Root user sign-in alert for AWS account", body: "123456789012 " + Body) },
    ];

    [TestCaseSource(nameof(OtherEmails))]
    public void ContentHash_DifferentEmail_IsDifferent(string difference, string raw)
    {
        var reference = Mail.Parse(Email(groups: ["a"]));

        Assert.That(Mail.Parse(raw).ContentHash, Is.Not.EqualTo(reference.ContentHash), difference);
    }

    [TestCase("[aws-root-a] Alert", "Alert")]
    [TestCase("[AWS root a] Alert", "Alert")]
    [TestCase("Re: [aws-root-a] Alert [aws-root-a]", "Re: Alert")]
    [TestCase("  Alert \t  now ", "Alert now")]
    [TestCase("[Action Required] Alert", "[Action Required] Alert")]
    [TestCase("[aws-root-b] Alert", "[aws-root-b] Alert")]
    [TestCase("[unclosed Alert", "[unclosed Alert")]
    public void WithoutGroupTags_RemovesOnlyTheNamesOfGroupsPassedAndCollapsesSpace(string subject, string expected)
    {
        var names = new HashSet<string> { ContentIdentity.NameKey("aws-root-a") };

        Assert.That(ContentIdentity.WithoutGroupTags(subject, names), Is.EqualTo(expected));
    }

    [Test]
    public void GroupNames_FromListIdMailingListPostAndViaNames()
    {
        var headers = Mail.Headers(
            "From: \"'Monitor' via AWS Root Group\" <aws-root@example.com>",
            "List-ID: \"Security alerts\" <security-alerts.example.com>",
            "Mailing-list: list ops@example.com; contact ops+owners@example.com",
            "List-Post: <mailto:audit@example.com>");

        var names = ContentIdentity.GroupNames(headers, MimeKit.ParserOptions.Default);

        Assert.That(names, Is.EquivalentTo(new[] { "awsrootgroup", "awsroot", "securityalerts", "ops", "audit" }));
    }

    /// <summary>
    /// The alert as its author wrote it, then as each group in <paramref name="groups"/> delivered it: the
    /// group's headers above (Google adds them at the top and bottom; only order matters to MailGate), its
    /// footer below the text, its tag before the subject, From rewritten to the group.
    /// </summary>
    private static string Email(
        string[] groups,
        string author = Author,
        string? date = Date,
        string subject = Subject,
        string body = Body,
        string to = "aws-root-123456789012@example.com",
        string cc = "security-alerts@example.com",
        bool rewriteFrom = true,
        bool tag = true,
        bool html = false,
        bool base64 = false,
        string hop = "mx1")
    {
        var headers = new List<string>
        {
            $"Received: from {hop}.example.net by mx.google.com; {Date}",
            $"ARC-Seal: i=1; a=rsa-sha256; d=google.com; s=arc-20240605; cv=none; b={hop}",
            $"Authentication-Results: {hop}.google.com; dkim=pass header.i=@tools.example.net",
            $"DKIM-Signature: v=1; a=rsa-sha256; d=tools.example.net; s={hop}; h=from:to:subject; bh=x; b=y",
        };
        var from = $"Monitor <{author}>";
        var text = body;
        var htmlText = $"<p>{body.Replace("\r\n", "<br>", StringComparison.Ordinal)}</p>";
        foreach (var group in groups)
        {
            var address = $"aws-root-{group}@example.com";
            if (rewriteFrom)
            {
                headers.Add($"X-Original-From: {from}");
                headers.Add($"X-Original-Sender: {author}");
                from = $"\"'Monitor' via aws-root-{group}\" <{address}>";
            }

            headers.Add($"List-ID: <aws-root-{group}.example.com>");
            headers.Add($"Mailing-list: list {address}; contact aws-root-{group}+owners@example.com");
            headers.Add($"X-Google-Group-Id: 3100000000{group[0] - 'a'}");
            headers.Add($"X-Original-Authentication-Results: mx.google.com; dkim=pass header.i=@tools.example.net; via {group}");
            subject = tag ? $"[aws-root-{group}] {subject}" : subject;
            text += $"\r\n-- \r\nYou received this message because you are subscribed to the Google Groups \"aws-root-{group}\" group.\r\n"
                + $"To unsubscribe from this group and stop receiving emails from it, send an email to aws-root-{group}+unsubscribe@example.com.\r\n";
            htmlText += $"<p></p>\r\n\r\n-- <br />\r\nYou received this message because you are subscribed to the Google Groups &quot;aws-root-{group}&quot; group.<br />\r\n"
                + $"To unsubscribe from this group and stop receiving emails from it, send an email to <a href=\"mailto:aws-root-{group}+unsubscribe@example.com\">aws-root-{group}+unsubscribe@example.com</a>.<br />\r\n";
        }

        headers.Add($"From: {from}");
        headers.Add($"To: {to}");
        if (cc.Length > 0)
        {
            headers.Add($"Cc: {cc}");
        }

        headers.Add($"Subject: {subject}");
        if (date is not null)
        {
            headers.Add($"Date: {date}");
        }

        headers.Add("MIME-Version: 1.0");
        string Part(string content) => base64 ? Convert.ToBase64String(Encoding.UTF8.GetBytes(content), Base64FormattingOptions.InsertLineBreaks) : content;
        var encoding = base64 ? "base64" : "8bit";
        if (!html)
        {
            headers.Add("Content-Type: text/plain; charset=utf-8");
            headers.Add($"Content-Transfer-Encoding: {encoding}");
            return Mail.Message(Part(text), [.. headers]);
        }

        headers.Add("Content-Type: multipart/alternative; boundary=\"alt\"");
        return Mail.Message(
            $"--alt\r\nContent-Type: text/plain; charset=utf-8\r\nContent-Transfer-Encoding: {encoding}\r\n\r\n{Part(text)}\r\n"
            + $"--alt\r\nContent-Type: text/html; charset=utf-8\r\nContent-Transfer-Encoding: {encoding}\r\n\r\n{Part(htmlText)}\r\n--alt--\r\n",
            [.. headers]);
    }
}
