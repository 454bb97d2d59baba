
using MailGate.Core.Parse;

namespace MailGate.Core.Tests.Parse;

[TestFixture]
public class ListIdsTests
{
    [TestCase("<aws-root-123456789012.example.com>", "aws-root-123456789012.example.com")]
    [TestCase("\"AWS root 123456789012\" <aws-root-123456789012.example.com>", "aws-root-123456789012.example.com")]
    [TestCase("AWS <root> list <  root.example.com  >", "root.example.com")]
    [TestCase("  root.example.com  ", "root.example.com")]
    [TestCase("<unclosed.example.com", "<unclosed.example.com")]
    [TestCase("", "")]
    public void Identifier_HeaderValue_GivesIdWithoutBrackets(string value, string expected)
    {
        Assert.That(ListIds.Identifier(value), Is.EqualTo(expected));
    }
}
