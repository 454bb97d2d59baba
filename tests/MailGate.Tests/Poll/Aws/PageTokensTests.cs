using MailGate.Poll.Aws;

namespace MailGate.Tests.Poll.Aws;

/// <summary>Following page tokens: to the last page, and never round in circles.</summary>
[TestFixture]
public sealed class PageTokensTests
{
    [TestCase("", "")]                    // one page, no token
    [TestCase("a,", "a")]                 // two pages
    [TestCase("a,b,c,", "a,b,c")]         // four pages
    [TestCase("a,b,", "a,b")]             // an empty token ends the listing like a missing one
    public void Next_TokensUntilTheLastPage_AreFollowedThenNull(string given, string followed)
    {
        var sut = new PageTokens(AwsOperation.DescribeCases, "111111111111");
        var tokens = given.Split(',');

        var next = tokens.Select(t => sut.Next(t.Length == 0 ? null : t)).ToArray();

        Assert.That(string.Join(",", next.TakeWhile(t => t is not null)), Is.EqualTo(followed));
        Assert.That(next[^1], Is.Null);
    }

    [TestCase("a,a", 2)]       // the same token twice in a row
    [TestCase("a,b,a", 3)]     // a cycle
    public void Next_ATokenGivenBefore_IsAnError(string given, int pages)
    {
        var sut = new PageTokens(AwsOperation.ListAccounts, null);
        var tokens = given.Split(',');
        foreach (var token in tokens[..^1])
        {
            sut.Next(token);
        }

        var error = Assert.Throws<AwsException>(() => sut.Next(tokens[^1]))!;

        Assert.Multiple(() =>
        {
            Assert.That(error.Operation, Is.EqualTo(AwsOperation.ListAccounts));
            Assert.That(error.ErrorCode, Is.EqualTo("InvalidResponse"));
            Assert.That(error.AwsMessage, Is.EqualTo($"pagination did not end (after {pages} page(s), nextToken repeated)"));
        });
    }

    [Test]
    public void Next_ATokenOnThePageAtTheLimit_IsAnError()
    {
        var sut = new PageTokens(AwsOperation.DescribeCases, "111111111111");
        for (var page = 1; page < PageTokens.MaxPages; page++)
        {
            sut.Next($"t{page}");
        }

        var error = Assert.Throws<AwsException>(() => sut.Next("one-more"))!;

        Assert.That(error.AwsMessage, Is.EqualTo($"pagination did not end (after {PageTokens.MaxPages} page(s), nextToken still given)"));
    }
}
