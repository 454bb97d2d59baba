using System.CommandLine;
using System.Globalization;
using System.Text;
using MailGate.Hosting;
using MailGate.Parse;
using MailGate.Spool;
using Microsoft.Extensions.Configuration;

namespace MailGate.Cli;

/// <summary>
/// <c>mailgate spool list|show|retry|purge</c>: look into the spool and act on it, also while the gateway
/// runs. The gateway owns the spool and holds its lock (<see cref="SpoolLock"/>); these commands do not
/// ask for the lock and are safe beside it: they only read <c>active/</c>, and change <c>dead/</c> and
/// <c>done/</c>, which the gateway only adds to, moving a folder into <c>active/</c> with one atomic
/// rename (the gateway's next scan picks it up). They never follow a symbolic link in the spool: a
/// damaged entry (a link, a stray file, a folder without its envelope) is listed as such and never read.
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
    /// The spool named by <c>--spool</c>, else <c>Spool:Path</c>. The configuration is read (and checked:
    /// a misspelt option or key is refused) either way; a folder that is not a spool is an error, never
    /// created.
    /// </summary>
    private static SpoolStore Open(ParseResult result, Option<DirectoryInfo?> spoolOption)
    {
        var configured = MailGateConfiguration.Build([.. result.UnmatchedTokens]).GetSection(SpoolOptions.Section).Get<SpoolOptions>()?.Path;
        return SpoolStore.OpenExisting(result.GetValue(spoolOption)?.FullName ?? configured ?? new SpoolOptions().Path);
    }

    private static Command List(Option<DirectoryInfo?> spoolOption)
    {
        var all = new Option<bool>("--all") { Description = "Include finished messages (done/)." };
        var list = new Command("list", "One line per message: state, age, attempts, last error, rule, subject.") { spoolOption, all };
        list.TreatUnmatchedTokensAsErrors = false;
        list.SetAction(result =>
        {
            var store = Open(result, spoolOption);
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
                var scan = store.Scan(area);
                damaged.AddRange(scan.Damaged);
                foreach (var message in scan.Messages)
                {
                    count++;
                    var state = TryReadState(message);
                    var attempts = state?.Deliveries.Sum(d => d.Attempts) ?? 0;
                    var rule = state is null ? "?" : state.Deliveries.Count > 0 ? string.Join(",", state.Deliveries.Select(d => d.Rule)) : state.DroppedBy ?? (state.IsDecided ? "-" : "(undecided)");
                    var error = state?.Error ?? state?.Deliveries.Select(d => d.LastError).LastOrDefault(e => e is not null) ?? "";
                    output.WriteLine($"{message.Id,-21}  {State(area, state),-7}  {Age(now - message.Envelope.ReceivedAt),6}  {attempts,5}  {Cut(rule, 20),-20}  {Cut(state?.Subject ?? "", 40),-40}  {Cut(error, 80)}");
                }
            }

            foreach (var entry in damaged)
            {
                output.WriteLine($"{Cut(entry.Name, 21),-21}  {"damaged",-7}  {"",6}  {"",5}  {"",-20}  {"in " + entry.Area.ToString().ToLowerInvariant() + "/",-40}  {Cut(entry.Problem, 80)}");
            }

            output.WriteLine($"{count} message(s) in {store.Root}");
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
            var store = Open(result, spoolOption);
            var output = new SafeTextWriter(result.InvocationConfiguration.Output); // subjects and headers are anyone's text
            if (store.Find(result.GetValue(id)!) is not { } found)
            {
                var damaged = new[] { SpoolArea.Active, SpoolArea.Dead, SpoolArea.Done, SpoolArea.Corrupt }.SelectMany(area => store.Scan(area).Damaged).FirstOrDefault(d => d.Name == result.GetValue(id));
                output.WriteLine(damaged is null
                    ? $"no message {result.GetValue(id)} in {store.Root}"
                    : $"{damaged.Name} in {damaged.Area.ToString().ToLowerInvariant()}/ is not a message folder ({damaged.Problem}); not read");
                return ExitCodes.Failure;
            }

            var (message, area) = found;
            output.WriteLine($"{message.Id}: {area.ToString().ToLowerInvariant()}, in {message.Directory}");
            output.WriteLine();
            output.WriteLine("== envelope.json");
            output.WriteLine(File.ReadAllText(Path.Combine(message.Directory, "envelope.json")));
            output.WriteLine();
            output.WriteLine("== state.json");
            var state = Path.Combine(message.Directory, "state.json");
            output.WriteLine(File.Exists(state) ? File.ReadAllText(state) : "(not decided yet)");
            output.WriteLine();
            if (message.IsSupportCase)
            {
                output.WriteLine("== case.json (the support case as AWS returned it)");
                output.WriteLine(File.ReadAllText(message.MessagePath));
            }
            else
            {
                output.WriteLine("== headers of message.eml");
                output.WriteLine(Headers(message.MessagePath));
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
            var store = Open(result, spoolOption);
            var output = result.InvocationConfiguration.Output;
            IReadOnlyList<SpooledMessage> targets;
            if (result.GetValue(allDead))
            {
                targets = store.List(SpoolArea.Dead);
            }
            else if (result.GetValue(id) is { } one && store.Find(one) is { Area: SpoolArea.Dead } found)
            {
                targets = [found.Message];
            }
            else
            {
                output.WriteLine(result.GetValue(id) is null ? "give a spool id or --all-dead" : $"{result.GetValue(id)} is not a dead message in {store.Root}");
                return ExitCodes.BadConfiguration;
            }

            var now = TimeProvider.System.GetUtcNow();
            var requeued = 0;
            foreach (var message in targets)
            {
                // One message that cannot be re-queued (its state damaged, a file in the way) is reported
                // and left in dead/; the others still are.
                try
                {
                    SpoolStore.WriteState(message, Requeued(SpoolStore.ReadState(message), now));
                    store.Move(message, SpoolArea.Active);
                    output.WriteLine($"{message.Id}: re-queued");
                    requeued++;
                }
                catch (Exception e) when (e is IOException or UnauthorizedAccessException or System.Text.Json.JsonException)
                {
                    output.WriteLine($"{message.Id}: NOT re-queued, left in dead/: {UntrustedText.Escape(e.Message)}");
                }
            }

            output.WriteLine($"{requeued} message(s) re-queued; a running gateway picks them up within Spool:ScanInterval");
            if (requeued < targets.Count)
            {
                output.WriteLine($"{targets.Count - requeued} could not be: see above (a damaged state.json: `spool show` it, fix or delete the file and retry)");
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

            var store = Open(result, spoolOption);
            var now = TimeProvider.System.GetUtcNow();
            var cutoff = age >= now - DateTimeOffset.MinValue ? DateTimeOffset.MinValue : now - age;
            var deleted = 0;
            var failed = 0;
            foreach (var message in store.List(SpoolArea.Done).Where(m => SpoolIds.ReceivedAt(m.Id) < cutoff))
            {
                try
                {
                    Directory.Delete(message.Directory, recursive: true);
                    deleted++;
                }
                catch (Exception e) when (e is IOException or UnauthorizedAccessException)
                {
                    output.WriteLine($"{message.Id}: NOT deleted: {UntrustedText.Escape(e.Message)}");
                    failed++;
                }
            }

            output.WriteLine($"{deleted} finished message(s) received before {cutoff:u} deleted from {store.PathOf(SpoolArea.Done)}");
            return failed == 0 ? ExitCodes.Ok : ExitCodes.Failure;
        });
        return purge;
    }

    /// <summary>The state a re-queued dead letter gets: failed deliveries pending again, an unparseable message undecided.</summary>
    internal static ProcessingState Requeued(ProcessingState state, DateTimeOffset now)
    {
        if (state.Error is not null)
        {
            return new ProcessingState();
        }

        return state with
        {
            Deliveries = state.Deliveries.Select(d => d.Status is DeliveryStatus.Rejected or DeliveryStatus.Expired or DeliveryStatus.RouteMissing
                ? d with { Status = DeliveryStatus.Pending, CompletedAt = null, RequeuedAt = now }
                : d).ToArray(),
        };
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

    private static ProcessingState? TryReadState(SpooledMessage message)
    {
        try
        {
            return SpoolStore.ReadState(message);
        }
        catch (Exception e) when (e is IOException or System.Text.Json.JsonException or UnauthorizedAccessException)
        {
            return null;
        }
    }

    private static string State(SpoolArea area, ProcessingState? state) => area switch
    {
        SpoolArea.Active when state is null || !state.IsDecided => "new",
        SpoolArea.Active when state.Deliveries.Any(d => d.Attempts > 0) => "retry",
        SpoolArea.Active => "sending",
        _ => area.ToString().ToLowerInvariant(),
    };

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

    private static string Headers(string path)
    {
        using var stream = File.OpenRead(path);
        var length = HeaderSection.Measure(stream, 256 * 1024);
        var buffer = new byte[length < 0 ? 256 * 1024 : length];
        stream.ReadExactly(buffer);
        // Spooled mail has CRLF only (bare CR and LF are refused at DATA): one line per header line, any
        // other control character shown escaped by the SafeTextWriter.
        return Encoding.UTF8.GetString(buffer).TrimEnd().Replace("\r\n", "\n", StringComparison.Ordinal) + (length < 0 ? "\n(… header section cut at 256 KiB)" : "");
    }
}
