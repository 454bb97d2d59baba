namespace MailGate.Poll.Aws;

/// <summary>
/// Follows the page tokens of one AWS listing (<c>NextToken</c>/<c>nextToken</c>) to its last page,
/// and turns a listing that never ends (a token given twice, or more than <see cref="MaxPages"/> pages)
/// into an error instead of a loop or a silent stop. One instance per listing.
/// </summary>
/// <param name="operation">The operation listed, for the error.</param>
/// <param name="accountId">The member account it is for, if any.</param>
internal sealed class PageTokens(AwsOperation operation, string? accountId)
{
    /// <summary>A safety stop for an API that keeps returning a next token.</summary>
    public const int MaxPages = 1000;

    private readonly HashSet<string> _seen = new(StringComparer.Ordinal);
    private int _pages;

    /// <summary>Records one page read; returns the token of the next page, or null after the last (no or empty token).</summary>
    /// <param name="nextToken">The token the page just read gave.</param>
    /// <exception cref="AwsException"><c>InvalidResponse</c>: the token was given before, or the listing passed <see cref="MaxPages"/>.</exception>
    public string? Next(string? nextToken)
    {
        _pages++;
        if (string.IsNullOrEmpty(nextToken))
        {
            return null;
        }

        var repeated = !_seen.Add(nextToken);
        if (repeated || _pages >= MaxPages)
        {
            throw new AwsException(
                operation, accountId, "InvalidResponse", null, $"pagination did not end (after {_pages} page(s), nextToken {(repeated ? "repeated" : "still given")})");
        }

        return nextToken;
    }
}
