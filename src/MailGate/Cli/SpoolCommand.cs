using MailGate.Core.Messages;
using MailGate.Core.Parse;
using MailGate.Core.Spool;
using MailGate.Core.Storage;
using System.CommandLine;
using System.Globalization;
using System.Text;
using MailGate.Hosting;
using MailGate.Parse;
using MailGate.Spool;
using MailGate.Startup;
using MailGate.Storage.Postgres;
using Microsoft.Extensions.Configuration;

namespace MailGate.Cli;

/// <summary>
/// <c>mailgate spool list|show|retry|purge</c>: look into the spool and act on it, also while the gateway
/// runs. Parses the arguments and prints; what is done, and why it is safe beside a running gateway, is the
/// storage's (<see cref="ISpoolAdministration"/>; the file spool's <c>SpoolAdministration</c>). A damaged entry
/// is listed as such and never read.
/// </summary>
internal static class SpoolCommand
{
    public static Command Create()
    {
        var spoolOption = new Option<DirectoryInfo?>("--spool") { Description = "The spool folder (default: Spool:Path, else data/spool)." };
        var spool = new Command("spool", "Inspect the spool: list, show, retry dead letters, purge old finished mail.");
        spool.Subcommands.Add(List(spoolOption));
        spool.Subcommands.Add(Show(spoolOption));
        spool.Subcommands.Add(Retry(spoolOption));
        spool.Subcommands.Add(Purge(spoolOption));
        return spool;
    }

    /// <summary>
    /// The spool named by <c>--spool</c>, else <c>Spool:Path</c> (a folder that is not a spool is an error, never created), or with <c>Spool:Backend: postgres</c>
    /// and no <c>--spool</c> the database (its schema never changed), opened shared; the configuration is <paramref name="settings"/>, else the unmatched tokens.
    /// </summary>
    [System.Diagnostics.CodeAnalysis.SuppressMessage("Performance", "CA1859", Justification = "The commands speak to the storage seam, so that another backend changes only this method.")]
    internal static IMessageStorage Open(ParseResult result, Option<DirectoryInfo?> spoolOption, IEnumerable<string>? settings = null)
    {
        var configured = MailGateConfiguration.Build([.. settings ?? result.UnmatchedTokens]).GetSection(SpoolOptions.Section).Get<SpoolOptions>() ?? new SpoolOptions();
        if (result.GetValue(spoolOption) is null && configured.Backend == SpoolOptions.PostgresBackend)
        {
            // Checked as the gateway checks it: Npgsql's own parse errors echo the value they could not read.
            if (SpoolServiceCollectionExtensions.ConnectionStringProblem(configured.ConnectionString) is { } problem)
            {
                throw new StartupException($"{SpoolServiceCollectionExtensions.ConnectionStringRequirement}: {problem}");
            }

            try
            {
                return PostgresStorage.OpenShared(configured.ConnectionString, configured.LeaseDuration); // never migrates
            }
            catch (SchemaTooNewException e)
            {
                throw new StartupException(e.Message, e); // exit 2, as at start
            }
        }

        return SpoolStore.OpenExisting(result.GetValue(spoolOption)?.FullName ?? configured.Path);
    }

    private static Command List(Option<DirectoryInfo?> spoolOption)
    {
        var all = new Option<bool>("--all") { Description = "Include finished messages (done/)." };
        var list = new Command("list", "One line per message: state, age, attempts, last error, rule, subject.") { spoolOption, all };
        list.TreatUnmatchedTokensAsErrors = false;
        list.SetAction(result =>
        {
            using var store = Open(result, spoolOption);
            ISpoolAdministration spool = store;
            var output = new SafeTextWriter(result.InvocationConfiguration.Output); // subjects and headers are anyone's text
            var areas = result.GetValue(all)
                ? new[] { SpoolArea.Active, SpoolArea.Dead, SpoolArea.Corrupt, SpoolArea.Done }
                : [SpoolArea.Active, SpoolArea.Dead, SpoolArea.Corrupt];
            var now = TimeProvider.System.GetUtcNow();
            output.WriteLine($"{"ID",-21}  {"STATE",-7}  {"AGE",6}  {"TRIES",5}  {"RULE",-20}  {"SUBJECT",-40}  LAST ERROR");
            var count = 0;
            var damaged = new List<DamagedEntry>();
            foreach (var area in areas)
            {
                var listing = spool.List(area);
                damaged.AddRange(listing.Damaged);
                foreach (var (message, _, state, _) in listing.Messages)
                {
                    count++;
                    var attempts = state?.Deliveries.Sum(d => d.Attempts) ?? 0;
                    var rule = state is null ? "?" : state.Deliveries.Count > 0 ? string.Join(",", state.Deliveries.Select(d => d.Rule)) : state.DroppedBy ?? (state.Probe is not null ? "(coverage probe)" : state.IsDecided ? "-" : "(undecided)");
                    var error = state?.Error ?? state?.Deliveries.Select(d => d.LastError).LastOrDefault(e => e is not null) ?? "";
                    output.WriteLine($"{message.Id,-21}  {State(area, state),-7}  {Age(now - message.Envelope.ReceivedAt),6}  {attempts,5}  {Cut(rule, 20),-20}  {Cut(state?.Subject ?? "", 40),-40}  {Cut(error, 80)}");
                }
            }

            foreach (var entry in damaged)
            {
                output.WriteLine($"{Cut(entry.Name, 21),-21}  {"damaged",-7}  {"",6}  {"",5}  {"",-20}  {"in " + AreaName(entry.Area) + "/",-40}  {Cut(entry.Problem, 80)}");
            }

            output.WriteLine($"{count} message(s) in {spool.Location}");
            if (damaged.Count > 0)
            {
                output.WriteLine($"{damaged.Count} damaged entr{(damaged.Count == 1 ? "y" : "ies")}: not message folders, never read (a running gateway moves those in active/ to corrupt/)");
            }

            return ExitCodes.Ok;
        });
        return list;
    }

    private static Command Show(Option<DirectoryInfo?> spoolOption)
    {
        var id = new Argument<string>("id") { Description = "The spool id (from the logs, `spool list`, or PagerDuty's custom details)." };
        var show = new Command("show", "A message's envelope, decision and delivery state, and its raw headers.") { id, spoolOption };
        show.TreatUnmatchedTokensAsErrors = false;
        show.SetAction(result =>
        {
            var (given, settings) = SpoolIdArgument.Split(result, result.GetValue(id));
            using var store = Open(result, spoolOption, settings);
            ISpoolAdministration spool = store;
            var output = new SafeTextWriter(result.InvocationConfiguration.Output); // subjects and headers are anyone's text
            if (given is null || spool.Find(given) is not { } found)
            {
                var damaged = given is null ? null : spool.FindDamaged(given);
                output.WriteLine(damaged is null
                    ? $"no message {given ?? "(no spool id given)"} in {spool.Location}"
                    : $"{damaged.Name} in {AreaName(damaged.Area)}/ is not a message folder ({damaged.Problem}); not read");
                return ExitCodes.Failure;
            }

            var documents = spool.Documents(found.Message);
            output.WriteLine($"{found.Message.Id}: {AreaName(found.Area)}, in {documents.Where}");
            output.WriteLine();
            // The headings are the file spool's document names, as before the storage seam: operators and their scripts read them.
            output.WriteLine("== envelope.json");
            output.WriteLine(documents.Envelope);
            output.WriteLine();
            output.WriteLine("== state.json");
            output.WriteLine(documents.State ?? "(not decided yet)");
            output.WriteLine();
            using var content = spool.OpenContent(found.Message);
            if (found.Message.Envelope.Origin is MailOrigin)
            {
                output.WriteLine("== headers of message.eml");
                output.WriteLine(Headers(content));
            }
            else
            {
                output.WriteLine("== case.json (the support case as AWS returned it)");
                using var reader = new StreamReader(content, Encoding.UTF8);
                output.WriteLine(reader.ReadToEnd());
            }

            return ExitCodes.Ok;
        });
        return show;
    }

    private static Command Retry(Option<DirectoryInfo?> spoolOption)
    {
        var id = new Argument<string?>("id") { Description = "The dead message to re-queue.", Arity = ArgumentArity.ZeroOrOne };
        var allDead = new Option<bool>("--all-dead") { Description = "Re-queue every dead message." };
        var retry = new Command("retry", "Re-queue dead letters: their failed deliveries are tried again, with a fresh PagerDuty:MaxAge.") { id, allDead, spoolOption };
        retry.TreatUnmatchedTokensAsErrors = false;
        retry.SetAction(result =>
        {
            var (given, settings) = SpoolIdArgument.Split(result, result.GetValue(id));
            using var store = Open(result, spoolOption, settings);
            ISpoolAdministration spool = store;
            var output = result.InvocationConfiguration.Output;
            var now = TimeProvider.System.GetUtcNow();
            IReadOnlyList<RequeueOutcome> outcomes;
            if (result.GetValue(allDead))
            {
                outcomes = spool.RequeueAllDead(now);
            }
            else if (given is { } one && spool.Requeue(one, now) is { Result: not RequeueResult.NotDead } outcome)
            {
                outcomes = [outcome];
            }
            else
            {
                output.WriteLine(given is null ? "give a spool id or --all-dead" : $"{given} is not a dead message in {spool.Location}");
                return ExitCodes.BadConfiguration;
            }

            foreach (var outcome in outcomes)
            {
                output.WriteLine(outcome.Result == RequeueResult.Requeued
                    ? $"{outcome.Id}: re-queued"
                    : $"{outcome.Id}: NOT re-queued, left in dead/: {UntrustedText.Escape(outcome.Error ?? "")}");
            }

            var requeued = outcomes.Count(o => o.Result == RequeueResult.Requeued);
            output.WriteLine($"{requeued} message(s) re-queued; a running gateway picks them up within Spool:ScanInterval");
            if (requeued < outcomes.Count)
            {
                output.WriteLine($"{outcomes.Count - requeued} could not be: see above (a damaged state.json: `spool show` it, fix or delete the file and retry)");
                return ExitCodes.Failure;
            }

            return ExitCodes.Ok;
        });
        return retry;
    }

    private static Command Purge(Option<DirectoryInfo?> spoolOption)
    {
        var done = new Option<bool>("--done") { Description = "Delete finished messages (done/). Required: dead letters are never purged." };
        var olderThan = new Option<string>("--older-than") { Description = "Only those received longer ago than this: 7d, 12h, 30m, or 1.02:00:00.", Required = true };
        var purge = new Command("purge", "Delete finished messages older than a given age.") { done, olderThan, spoolOption };
        purge.TreatUnmatchedTokensAsErrors = false;
        purge.SetAction(result =>
        {
            var output = result.InvocationConfiguration.Output;
            if (!result.GetValue(done))
            {
                output.WriteLine("say --done: only finished messages are purged");
                return ExitCodes.BadConfiguration;
            }

            if (!TryParseAge(result.GetValue(olderThan)!, out var age))
            {
                output.WriteLine($"--older-than: '{result.GetValue(olderThan)}' is not an age such as 7d, 12h or 30m");
                return ExitCodes.BadConfiguration;
            }

            using var store = Open(result, spoolOption);
            ISpoolAdministration spool = store;
            var now = TimeProvider.System.GetUtcNow();
            var cutoff = age >= now - DateTimeOffset.MinValue ? DateTimeOffset.MinValue : now - age;
            var outcome = spool.PurgeDone(cutoff);
            foreach (var failure in outcome.Failed)
            {
                output.WriteLine($"{failure.Id}: NOT deleted: {UntrustedText.Escape(failure.Error)}");
            }

            output.WriteLine($"{outcome.Deleted} finished message(s) received before {cutoff:u} deleted from {outcome.From}");
            return outcome.Failed.Count == 0 ? ExitCodes.Ok : ExitCodes.Failure;
        });
        return purge;
    }

    internal static bool TryParseAge(string text, out TimeSpan age)
    {
        age = default;
        if (text.Length >= 2 && double.TryParse(text[..^1], NumberStyles.Float, CultureInfo.InvariantCulture, out var amount) && amount >= 0 && double.IsFinite(amount))
        {
            var seconds = char.ToLowerInvariant(text[^1]) switch
            {
                'd' => amount * 86_400,
                'h' => amount * 3_600,
                'm' => amount * 60,
                's' => amount,
                _ => -1,
            };
            if (seconds >= 0)
            {
                age = seconds >= TimeSpan.MaxValue.TotalSeconds ? TimeSpan.MaxValue : TimeSpan.FromSeconds(seconds); // "1e308d": everything
                return true;
            }
        }

        return TimeSpan.TryParse(text, CultureInfo.InvariantCulture, out age) && age >= TimeSpan.Zero;
    }

    private static string State(SpoolArea area, ProcessingState? state) => area switch
    {
        SpoolArea.Active when state is null || !state.IsDecided => "new",
        SpoolArea.Active when state.Deliveries.Any(d => d.Attempts > 0) => "retry",
        SpoolArea.Active => "sending",
        SpoolArea.Done when state is { Deliveries.Count: > 0 } && state.Deliveries.All(d => d.Status == DeliveryStatus.Duplicate) => "dup", // not sent: a copy of an email that paged
        _ => AreaName(area),
    };

    private static string AreaName(SpoolArea area) => area.ToString().ToLowerInvariant();

    private static string Age(TimeSpan age) => age < TimeSpan.Zero ? "future" // received_at ahead of this clock
        : age.TotalMinutes < 1 ? $"{age.TotalSeconds:0}s"
        : age.TotalHours < 1 ? $"{age.TotalMinutes:0}m"
        : age.TotalDays < 1 ? $"{age.TotalHours:0}h"
        : $"{age.TotalDays:0}d";

    private static string Cut(string text, int max)
    {
        var line = UntrustedText.Escape(text.ReplaceLineEndings(" ")); // escaped before the cut, so columns stay aligned
        return line.Length <= max ? line : line[..(max - 1)] + "…";
    }

    private static string Headers(Stream stream)
    {
        var length = HeaderSection.Measure(stream, 256 * 1024);
        var buffer = new byte[length < 0 ? 256 * 1024 : length];
        stream.ReadExactly(buffer);
        // Spooled mail has CRLF only (bare CR and LF are refused at DATA): one line per header line, any
        // other control character shown escaped by the SafeTextWriter.
        return Encoding.UTF8.GetString(buffer).TrimEnd().Replace("\r\n", "\n", StringComparison.Ordinal) + (length < 0 ? "\n(… header section cut at 256 KiB)" : "");
    }
}
