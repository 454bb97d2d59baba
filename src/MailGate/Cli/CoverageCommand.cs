using System.CommandLine;
using System.Globalization;
using System.Text.Json;
using MailGate.Core.Coverage;
using MailGate.Coverage;
using MailGate.Hosting;
using MailGate.Status;
using Microsoft.Extensions.Configuration;

namespace MailGate.Cli;

/// <summary>
/// <c>mailgate coverage [--json] [--spool DIR]</c> (issue #15): each account's coverage (account, root address,
/// state, last probe sent, last arrival, latency, path) and when mail last arrived, overall and per List-Id, read
/// from the storage the gateway uses (also while it runs; with PostgreSQL, the database). The accounts are those with
/// a stored document (a probe sent or arrived). Exit 0; 1 when an account is <c>missing</c> or <c>send_failed</c>.
/// </summary>
internal static class CoverageCommand
{
    public static Command Create()
    {
        var spoolOption = new Option<DirectoryInfo?>("--spool") { Description = "The spool folder (default: Spool:Path, else data/spool)." };
        var json = new Option<bool>("--json") { Description = "Print the same data as GET /coverage (JSON) instead of a table." };
        var coverage = new Command("coverage", "Each account's coverage (probe state, last probe sent and arrived, latency, path) and when mail last arrived.") { spoolOption, json };
        coverage.TreatUnmatchedTokensAsErrors = false;
        coverage.SetAction(result =>
        {
            var settings = MailGateConfiguration.Build([.. result.UnmatchedTokens]).GetSection(CoverageOptions.Section).Get<CoverageOptions>() ?? new CoverageOptions();
            using var store = SpoolCommand.Open(result, spoolOption);
            var overview = CoverageView.Read(store, TimeProvider.System.GetUtcNow(), settings.Deadline, settings.EffectiveSilenceAlarm);
            var output = new SafeTextWriter(result.InvocationConfiguration.Output); // addresses and List-Ids are anyone's text
            if (result.GetValue(json))
            {
                output.WriteLine(JsonSerializer.Serialize(overview, StatusJsonContext.Default.CoverageOverview));
            }
            else
            {
                Table(output, overview);
            }

            return overview.Accounts.Any(a => a.State is "missing" or "send_failed") ? ExitCodes.Failure : ExitCodes.Ok;
        });
        return coverage;
    }

    /// <summary>The table: one line per account, then the silence lines.</summary>
    internal static void Table(SafeTextWriter output, CoverageOverview overview)
    {
        output.WriteLine($"{"ACCOUNT",-12}  {"ROOT ADDRESS",-36}  {"STATE",-11}  {"LAST SENT",-20}  {"LAST ARRIVAL",-20}  {"LATENCY",8}  PATH");
        foreach (var a in overview.Accounts)
        {
            output.WriteLine($"{a.AccountId,-12}  {Cut(a.RootAddress, 36),-36}  {a.State,-11}  {Time(a.LastSentAt),-20}  {Time(a.LastArrivalAt),-20}  {Latency(a.LatencySeconds),8}  {Cut(a.Path, 120)}{(a.LastError is { } e && a.FailedRounds > 0 ? $"  ({a.FailedRounds} failed round(s): {Cut(e, 80)})" : "")}");
        }

        var counts = string.Join(", ", overview.Counts().Select(c => $"{c.Value} {c.Key}"));
        output.WriteLine($"{overview.Accounts.Count} account(s): {counts}{(overview.RelayAlertOpenSince is { } relay ? $"; relay alert open since {Time(relay)}" : "")}");
        var silence = overview.Silence;
        output.WriteLine(silence.LastReceivedAt is { } last
            ? $"last mail received {Time(last)} ({Latency((overview.GeneratedAt - last).TotalSeconds)} ago); silence alarm {(silence.AlarmAfter is { } after ? "after " + after.ToString("c", CultureInfo.InvariantCulture) : "off")}{(silence.AlarmOpenSince is { } open ? $"; silence alert open since {Time(open)}" : "")}"
            : $"no mail received recorded; silence alarm {(silence.AlarmAfter is { } a2 ? "after " + a2.ToString("c", CultureInfo.InvariantCulture) : "off")}");
        foreach (var g in silence.Groups)
        {
            output.WriteLine($"  group {Cut(g.ListId, 60),-60}  last mail {Time(g.LastReceivedAt)}  silent {Latency(g.SilentSeconds)}");
        }
    }

    private static string Time(DateTimeOffset? at) => at is { } t ? t.UtcDateTime.ToString("yyyy-MM-dd HH:mm:ss", CultureInfo.InvariantCulture) : "never";

    private static string Latency(double? seconds) => seconds is not { } s ? ""
        : s < 60 ? string.Create(CultureInfo.InvariantCulture, $"{s:0.#}s")
        : s < 3600 ? string.Create(CultureInfo.InvariantCulture, $"{s / 60:0.#}m")
        : s < 172800 ? string.Create(CultureInfo.InvariantCulture, $"{s / 3600:0.#}h")
        : string.Create(CultureInfo.InvariantCulture, $"{s / 86400:0.#}d");

    private static string Cut(string text, int max) => text.Length <= max ? text : text[..(max - 1)] + "…";
}
