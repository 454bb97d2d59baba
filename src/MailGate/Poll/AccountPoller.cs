using System.Buffers;
using System.Globalization;
using System.Text;
using System.Text.Json;
using MailGate.Parse;
using MailGate.Poll.Aws;
using MailGate.Process;
using MailGate.Spool;
using MailGate.Storage;
using Microsoft.Extensions.Logging;

namespace MailGate.Poll;

/// <summary>
/// Polls one account's Support API in every configured language and spools each case not seen
/// before, then advances that account's persisted cursor.
/// </summary>
/// <remarks>
/// Order makes the guarantees: a case is committed to the spool (fsynced) and queued before the cursor
/// records it, so a crash in between costs a second spool entry for the same case, which carries the
/// same dedup key (one incident), never a missed case. The cursor's <c>afterTime</c> starts an overlap
/// before the newest case seen, not at "now − interval", so a late or failed poll, or a restart, leaves
/// no gap.
/// </remarks>
internal sealed class AccountPoller(
    SupportClient support,
    SpoolStore spool,
    ProcessingInbox inbox,
    CaseCursorStore cursors,
    SupportCaseOptions options,
    TimeProvider time,
    ILogger logger)
{
    /// <summary>A safety stop for a Support API that keeps returning a next token.</summary>
    private const int MaxPages = 1000;

    /// <summary>Polls <paramref name="account"/>, reporting the new cases spooled per language to <paramref name="onFound"/>.</summary>
    /// <exception cref="AwsException">AWS refused or failed after retries; cases found before that are kept.</exception>
    public async Task PollAsync(AwsAccount account, Action<int> onFound, CancellationToken cancellationToken)
    {
        var cursor = cursors.Load(account.Id);
        foreach (var language in options.EffectiveLanguages)
        {
            onFound(await PollLanguageAsync(account, cursor, language, cancellationToken).ConfigureAwait(false));
        }

        // New cases first, in every language; watching for resolutions comes after and never fails the poll.
        if (options.ResolveEvents)
        {
            foreach (var language in options.EffectiveLanguages)
            {
                try
                {
                    await CheckResolvedAsync(account, cursor, language, cancellationToken).ConfigureAwait(false);
                }
                catch (AwsException e)
                {
                    Log.SupportResolveCheckFailed(logger, account.Id, language, e.Message);
                }
            }
        }
    }

    private async Task<int> PollLanguageAsync(AwsAccount account, CaseCursor cursor, string language, CancellationToken cancellationToken)
    {
        var position = cursor.For(language);
        var pollStart = time.GetUtcNow();
        var after = position.After(pollStart, options);
        DateTimeOffset? newest = null;
        var found = 0;
        string? token = null;
        var pages = 0;
        do
        {
            var page = await support.DescribeCasesAsync(
                account.Id,
                new DescribeCasesRequest(language, AfterTime: after, NextToken: token),
                cancellationToken).ConfigureAwait(false);
            foreach (var supportCase in page.Cases)
            {
                var caseId = SupportCaseReader.Text(supportCase, "caseId");
                if (caseId.Length == 0)
                {
                    continue;
                }

                var created = SupportCaseReader.TimeCreated(supportCase);
                if (created is { } known && (newest is null || known > newest))
                {
                    newest = known;
                }

                if (position.Seen.ContainsKey(caseId))
                {
                    continue;
                }

                var json = supportCase.GetRawText();
                var spooled = await SpoolAsync(account, language, json, resolve: false, cancellationToken).ConfigureAwait(false);
                position.Seen[caseId] = created ?? time.GetUtcNow();
                if (options.ResolveEvents && !string.Equals(SupportCaseReader.Text(supportCase, "status"), "resolved", StringComparison.Ordinal))
                {
                    cursor.Watched[caseId] = new WatchedCase(language, json);
                }

                cursors.Save(account.Id, cursor);
                found++;
                Log.SupportCaseFound(logger, caseId, SupportCaseReader.Text(supportCase, "displayId"), account.Id, account.Name, language, SupportCaseReader.Text(supportCase, "subject"), spooled.Id);
            }

            token = NextPage(page, token, ++pages);
        }
        while (token is not null);

        position.Advance(newest, pollStart, options.Overlap);
        position.Prune(options.Overlap);
        cursors.Save(account.Id, cursor);
        return found;
    }

    /// <summary>Asks for the watched cases of <paramref name="language"/> (resolved ones included) and spools a resolve for each one now resolved.</summary>
    private async Task CheckResolvedAsync(AwsAccount account, CaseCursor cursor, string language, CancellationToken cancellationToken)
    {
        var watched = cursor.Watched.Where(w => w.Value.Language == language).Select(w => w.Key).ToArray();
        foreach (var chunk in watched.Chunk(100))
        {
            string? token = null;
            var pages = 0;
            do
            {
                var page = await support.DescribeCasesAsync(
                    account.Id,
                    new DescribeCasesRequest(language, IncludeResolvedCases: true, IncludeCommunications: false, CaseIds: chunk, NextToken: token),
                    cancellationToken).ConfigureAwait(false);
                foreach (var supportCase in page.Cases)
                {
                    var caseId = SupportCaseReader.Text(supportCase, "caseId");
                    if (string.Equals(SupportCaseReader.Text(supportCase, "status"), "resolved", StringComparison.Ordinal)
                        && cursor.Watched.Remove(caseId, out var original))
                    {
                        var spooled = await SpoolAsync(account, language, original.CaseJson, resolve: true, cancellationToken).ConfigureAwait(false);
                        cursors.Save(account.Id, cursor);
                        Log.SupportCaseResolved(logger, caseId, account.Id, spooled.Id);
                    }
                }

                token = NextPage(page, token, ++pages);
            }
            while (token is not null);
        }
    }

    /// <summary>The token of the next page, or null after the last; a token that repeats or never ends is an error, not a silent stop.</summary>
    private static string? NextPage(DescribeCasesPage page, string? previous, int pages)
    {
        if (string.IsNullOrEmpty(page.NextToken))
        {
            return null;
        }

        if (page.NextToken == previous || pages >= MaxPages)
        {
            throw new AwsException(
                AwsOperation.DescribeCases, null, "InvalidResponse", null, $"pagination did not end (after {pages} page(s), nextToken {(page.NextToken == previous ? "repeated" : "still given")})");
        }

        return page.NextToken;
    }

    private async Task<SpooledMessage> SpoolAsync(AwsAccount account, string language, string json, bool resolve, CancellationToken cancellationToken)
    {
        var origin = new SupportCaseOrigin(account.Id, account.Name, account.Email, language, resolve);
        var message = await spool.CommitAsync(
            Envelope.ForSupportCase(origin, time.GetUtcNow()),
            new ReadOnlySequence<byte>(Encoding.UTF8.GetBytes(json)),
            cancellationToken).ConfigureAwait(false);
        inbox.Enqueue(message);
        return message;
    }
}
