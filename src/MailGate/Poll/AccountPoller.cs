using MailGate.Poll.Aws;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace MailGate.Poll;

/// <summary>
/// Polls one account's Support API in every configured language and spools each case not seen
/// before, then advances that account's persisted cursor. One instance serves every account.
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
    SupportCaseSpooler spooler, // before the cursors: the spool (and its lock) is opened before anything is written beside it
    CaseCursorStore cursors,
    IOptions<SupportCaseOptions> options,
    TimeProvider time,
    ILogger<AccountPoller> logger)
{
    /// <summary>Where the accounts' cursors are kept, for the start-up log line.</summary>
    public string CursorLocation => cursors.Folder;

    /// <summary>Polls <paramref name="account"/>, reporting the new cases spooled per language to <paramref name="onFound"/>.</summary>
    /// <exception cref="AwsException">AWS refused or failed after retries; cases found before that are kept.</exception>
    /// <exception cref="System.Text.Json.JsonException">The account's cursor file is damaged.</exception>
    public async Task PollAsync(AwsAccount account, Action<int> onFound, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(account);
        ArgumentNullException.ThrowIfNull(onFound);
        var settings = options.Value;
        var cursor = cursors.Load(account.Id);
        foreach (var language in settings.EffectiveLanguages)
        {
            onFound(await PollLanguageAsync(account, cursor, language, cancellationToken).ConfigureAwait(false));
        }

        // New cases first, in every language; watching for resolutions comes after and never fails the poll.
        if (settings.ResolveEvents)
        {
            foreach (var language in settings.EffectiveLanguages)
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
        var settings = options.Value;
        var position = cursor.For(language);
        var pollStart = time.GetUtcNow();
        var request = new DescribeCasesRequest(language, AfterTime: position.After(pollStart, settings));
        DateTimeOffset? newest = null;
        var found = 0;
        await foreach (var supportCase in support.ListCasesAsync(account.Id, request, cancellationToken).ConfigureAwait(false))
        {
            var created = supportCase.TimeCreated;
            if (created is { } known && (newest is null || known > newest))
            {
                newest = known;
            }

            if (position.Seen.ContainsKey(supportCase.CaseId))
            {
                continue;
            }

            var spooled = await spooler.SpoolAsync(account, language, supportCase.Json, resolve: false, cancellationToken).ConfigureAwait(false);
            position.Seen[supportCase.CaseId] = created ?? time.GetUtcNow();
            if (settings.ResolveEvents && !supportCase.IsResolved)
            {
                cursor.Watched[supportCase.CaseId] = new WatchedCase(language, supportCase.Json);
            }

            cursors.Save(account.Id, cursor);
            found++;
            Log.SupportCaseFound(logger, supportCase.CaseId, supportCase.DisplayId, account.Id, account.Name, language, supportCase.Subject, spooled.Id);
        }

        position.Advance(newest, pollStart, settings.Overlap);
        position.Prune(settings.Overlap);
        cursors.Save(account.Id, cursor);
        return found;
    }

    /// <summary>Asks for the watched cases of <paramref name="language"/> (resolved ones included) and spools a resolve for each one now resolved.</summary>
    private async Task CheckResolvedAsync(AwsAccount account, CaseCursor cursor, string language, CancellationToken cancellationToken)
    {
        var watched = cursor.Watched.Where(w => w.Value.Language == language).Select(w => w.Key).ToArray();
        foreach (var chunk in watched.Chunk(100))
        {
            var request = new DescribeCasesRequest(language, IncludeResolvedCases: true, IncludeCommunications: false, CaseIds: chunk);
            await foreach (var supportCase in support.ListCasesAsync(account.Id, request, cancellationToken).ConfigureAwait(false))
            {
                if (supportCase.IsResolved && cursor.Watched.Remove(supportCase.CaseId, out var original))
                {
                    // The case as first seen: the resolve is decided by the same rules on the same facts, so it carries the same dedup key.
                    var spooled = await spooler.SpoolAsync(account, language, original.CaseJson, resolve: true, cancellationToken).ConfigureAwait(false);
                    cursors.Save(account.Id, cursor);
                    Log.SupportCaseResolved(logger, supportCase.CaseId, account.Id, spooled.Id);
                }
            }
        }
    }
}
