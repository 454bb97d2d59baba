using MailGate.Core.Parse;
using MailGate.Core.Tests.Parse.Support;

namespace MailGate.Core.Tests.Parse;

/// <summary>Google Groups' footer is not the author's text: rules, responders and the content hash never see it.</summary>
[TestFixture]
public class GroupFootersTests
{
    private const string Author = "Root user sign-in detected for AWS account 123456789012.\nTime: 2026-11-16T09:59:31Z";

    private const string English = "-- \nYou received this message because you are subscribed to the Google Groups \"aws-root-123456789012\" group.\n"
        + "To unsubscribe from this group and stop receiving emails from it, send an email to aws-root-123456789012+unsubscribe@example.com.\n";

    private const string EnglishWithLinks = "--\nYou received this message because you are subscribed to the Google Groups \"Security\" group.\n"
        + "To unsubscribe from this group and stop receiving emails from it, send an email to security+unsubscribe@example.com.\n"
        + "To view this discussion on the web visit https://groups.google.com/a/example.com/d/msgid/security/0100018f-abc%40email.amazonses.com.\n"
        + "For more options, visit https://groups.google.com/a/example.com/d/optout.\n";

    private const string Japanese = "-- \nこのメールは Google グループのグループ「AWS ルート」の登録者に送られています。\n"
        + "このグループから退会し、グループからのメールの配信を停止するには aws-root+unsubscribe@example.com にメールを送信してください。\n"
        + "このディスカッションをウェブ上で閲覧するには https://groups.google.com/a/example.com/d/msgid/aws-root/x にアクセスしてください。\n";

    private const string German = "-- \nSie erhalten diese Nachricht, weil Sie in Google Groups E-Mails von der Gruppe \"AWS root\" abonniert haben.\n"
        + "Wenn Sie sich von dieser Gruppe abmelden möchten, senden Sie eine E-Mail an aws-root+unsubscribe@example.com.\n";

    private static readonly object[] Footers =
    [
        new object[] { "English, '-- ' separator", English },
        new object[] { "English with discussion and options links, '--' separator", EnglishWithLinks },
        new object[] { "English without a separator", English["-- \n".Length..] },
        new object[] { "Japanese", Japanese },
        new object[] { "a language not listed (separator, Google, +unsubscribe@)", German },
        new object[] { "CRLF line ends", English.ReplaceLineEndings("\r\n") },
        new object[] { "two nested groups, one footer each", English + "\n" + EnglishWithLinks },
        new object[] { "three footers in three languages", Japanese + English + German },
        new object[] { "HTML footer as MailGate extracts its text", HtmlText.ToPlainText(
            "<p></p>\n\n-- <br />\nYou received this message because you are subscribed to the Google Groups &quot;aws-root&quot; group.<br />\n"
            + "To unsubscribe from this group and stop receiving emails from it, send an email to <a href=\"mailto:aws-root+unsubscribe@example.com\">aws-root+unsubscribe@example.com</a>.<br />") },
    ];

    [TestCaseSource(nameof(Footers))]
    public void Strip_TextEndingInAFooter_IsTheAuthorsTextOnly(string kind, string footer)
    {
        Assert.That(GroupFooters.Strip(Author + "\n\n" + footer + "\n"), Is.EqualTo(Author), kind);
    }

    [TestCaseSource(nameof(Footers))]
    public void IsOnlyFooters_FooterAlone_IsTrue(string kind, string footer)
    {
        Assert.That(GroupFooters.IsOnlyFooters("\n " + footer), Is.True, kind);
    }

    [TestCase("no footer at all", Author)]
    [TestCase("the author's own signature", Author + "\n-- \nJane Doe\nSecurity team")]
    [TestCase("a quoted footer", Author + "\n> You received this message because you are subscribed to the Google Groups \"x\" group.")]
    [TestCase("the first sentence mid-line", Author + "\nNote: You received this message because you are subscribed to the Google Groups \"x\" group.")]
    [TestCase("a separator before an unsubscribe note not from Google", Author + "\n-- \nTo unsubscribe, write to list+unsubscribe@example.com")]
    public void Strip_TextWithoutGroupFooter_IsUnchanged(string kind, string text)
    {
        Assert.That(GroupFooters.Strip(text), Is.SameAs(text), kind);
    }

    [Test]
    public void Strip_FooterInTheMiddle_StaysWhenTheAuthorWroteMoreThanAFooterAfterIt()
    {
        var text = English + "\n" + new string('x', GroupFooters.MaxFooterChars) + "\nAuthor's text after a quoted footer";

        Assert.That(GroupFooters.Strip(text), Is.SameAs(text));
    }

    [Test]
    public void Strip_Null_Throws() => Assert.That(() => GroupFooters.Strip(null!), Throws.ArgumentNullException);

    [TestCase("alert-without-message-id-via-root-group.eml")]
    [TestCase("alert-without-message-id-via-security-group.eml")]
    [TestCase("abuse-report-via-two-nested-groups.eml")]
    [TestCase("abuse-report-via-google-group.eml")]
    [TestCase("html-notice-with-group-footer-part.eml")]
    public void Parse_FixtureThroughAGroup_BodyFactHasNoFooter(string fixture)
    {
        var facts = Mail.ParseFixture(fixture);

        using (Assert.EnterMultipleScope())
        {
            Assert.That(facts.Body, Does.Not.Contain("You received this message"));
            Assert.That(facts.Body, Does.Not.Contain("+unsubscribe@"));
            Assert.That(facts.Body, Is.Not.Empty);
            Assert.That(facts.Body, Is.EqualTo(facts.Body.TrimEnd()));
        }
    }

    [Test]
    public void Parse_HtmlOnlyMessageWithGroupFooter_BodyFactHasNoFooter()
    {
        var facts = Mail.Parse(Mail.Message(
            "<html><body><p>AWS ID: 123456789012</p><p></p>\r\n-- <br />\r\nYou received this message because you are subscribed to the Google Groups &quot;aws-root&quot; group.<br />\r\n"
            + "To unsubscribe from this group and stop receiving emails from it, send an email to <a href=\"mailto:aws-root+unsubscribe@example.com\">aws-root+unsubscribe@example.com</a>.<br /></body></html>",
            "From: AWS <no-reply-aws@amazon.com>",
            "Content-Type: text/html; charset=utf-8"));

        Assert.That(facts.Body, Is.EqualTo("AWS ID: 123456789012"));
    }
}
