
using MailGate.Core.Parse;

namespace MailGate.Core.Tests.Parse;

[TestFixture]
public class HtmlTextTests
{
    [TestCase("", "")]
    [TestCase("plain words", "plain words")]
    [TestCase("a \r\n\t  b", "a b")]
    [TestCase("<p>one</p><p>two</p>", "one\n\ntwo")]
    [TestCase("<div>one</div><div>two</div>", "one\n\ntwo")]
    [TestCase("line one<br>line two<br/>line three", "line one\nline two\nline three")]
    [TestCase("<h1>Title</h1>text", "Title\ntext")]
    [TestCase("<ul><li>a</li><li>b</li></ul>", "a\n\nb")]
    [TestCase("<P>upper</P><BR>case", "upper\n\ncase")]
    [TestCase("&amp; &lt; &gt; &quot; &#39; &#x41; &hellip; &euro;", "& < > \" ' A … €")]
    [TestCase("24&nbsp;hours&#160;left", "24 hours left")]
    [TestCase("a<script>var x = '<p>hidden</p>';</script>b", "ab")]
    [TestCase("a<SCRIPT type=\"text/javascript\">hidden()</SCRIPT> b", "a b")]
    [TestCase("<style>p { color: red; }</style>visible", "visible")]
    [TestCase("<html><head><title>Hidden title</title></head><body>visible</body></html>", "visible")]
    [TestCase("<html><head><title>Hidden title</title><body><p>Key line</p></body></html>", "Key line")]
    [TestCase("<html><head><meta charset=utf-8><style>x{}</style><body>Key line", "Key line")]
    [TestCase("before<!-- a comment -->after", "beforeafter")]
    [TestCase("<table><tr><td>AWS ID:</td><td>123456789012</td></tr><tr><th>Region:</th><th>us-east-1</th></tr></table>", "AWS ID: 123456789012\n\nRegion: us-east-1")]
    [TestCase("<p>  spaced   out  </p>", "spaced out")]
    [TestCase("<b>bold</b> and <i>italic</i>", "bold and italic")]
    [TestCase("unclosed <p>paragraph", "unclosed\nparagraph")]
    [TestCase("<style>never closed", "")]
    public void ToPlainText_Html_GivesReadableText(string html, string expected)
    {
        Assert.That(HtmlText.ToPlainText(html), Is.EqualTo(expected));
    }

    [Test]
    public void ToPlainText_Null_Throws()
    {
        Assert.That(() => HtmlText.ToPlainText(null!), Throws.ArgumentNullException);
    }
}
