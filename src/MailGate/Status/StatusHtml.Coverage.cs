using System.Globalization;
using System.Text;
using MailGate.Core.Coverage;

namespace MailGate.Status;

/// <summary>The status page's Coverage section (issue #15): each account's probe state, and when mail last arrived, overall and per group.</summary>
internal static partial class StatusHtml
{
    private const int MaxGroupsShown = 50;

    private static void Coverage(StringBuilder html, CoverageOverview? coverage)
    {
        html.Append("<section id=\"coverage\"><h2>Coverage</h2>");
        if (coverage is null)
        {
            html.Append("<p class=\"bad\">Coverage could not be read from the storage.</p></section>");
            return;
        }

        var silence = coverage.Silence;
        var quiet = silence.LastReceivedAt is { } last ? coverage.GeneratedAt - last : (TimeSpan?)null;
        var alarm = silence.AlarmAfter is { } after ? $"silence alarm after {Age(after)}" : "silence alarm off (<code>Coverage:SilenceAlarm</code>)";
        html.Append(CultureInfo.InvariantCulture, $"<p>Last mail received: {(silence.LastReceivedAt is { } at ? $"{Time(at)} ({Age(quiet!.Value)} ago)" : "none recorded")} · {alarm}{(silence.AlarmOpenSince is { } open ? $" · <span class=\"bad\">silence alert open since {Time(open)}</span>" : "")}</p>");
        if (coverage.Accounts.Count == 0)
        {
            html.Append("<p class=\"muted\">No coverage probes recorded (<code>Coverage:Enabled</code>).</p>");
        }
        else
        {
            var counts = string.Join(" · ", coverage.Counts().Where(c => c.Value > 0).Select(c => $"{c.Value} {StatusText.Html(c.Key)}"));
            html.Append(CultureInfo.InvariantCulture, $"<p>{coverage.Accounts.Count} account(s): {counts}{(coverage.RelayAlertOpenSince is { } relay ? $" · <span class=\"bad\">relay alert open since {Time(relay)}</span>" : "")}</p>");
            html.Append("<div class=\"scroll\"><table><thead><tr><th>Account</th><th>Name</th><th>Root address</th><th>State</th><th>Last probe sent</th><th>Last arrival</th><th>Latency</th><th>Path</th></tr></thead><tbody>");
            foreach (var a in coverage.Accounts.OrderBy(a => a.State == "ok").ThenBy(a => a.AccountId, StringComparer.Ordinal))
            {
                var state = a.State == "send_failed" && a.LastError is { } error ? $"{Badge(a.State)} <span class=\"muted\">{StatusText.Html(error, 200)}</span>" : Badge(a.State);
                html.Append(CultureInfo.InvariantCulture, $"<tr><td>{StatusText.Html(a.AccountId)}</td><td>{StatusText.Html(a.AccountName, 60)}</td><td>{StatusText.Html(a.RootAddress, 80)}</td><td>{state}</td><td>{(a.LastSentAt is { } s ? Time(s) : "never")}</td><td>{(a.LastArrivalAt is { } r ? Time(r) : "never")}</td><td>{(a.LatencySeconds is { } l ? Age(TimeSpan.FromSeconds(l)) : "")}</td><td>{StatusText.Html(a.Path, 300)}</td></tr>");
            }

            html.Append("</tbody></table></div>");
        }

        if (silence.Groups.Count > 0)
        {
            html.Append(CultureInfo.InvariantCulture, $"<p>Per group (List-Id), longest silent first{(silence.Groups.Count > MaxGroupsShown ? $"; the first {MaxGroupsShown} of {silence.Groups.Count}" : "")}:</p>");
            html.Append("<div class=\"scroll\"><table><thead><tr><th>List-Id</th><th>Last mail</th><th>Silent for</th></tr></thead><tbody>");
            foreach (var g in silence.Groups.Take(MaxGroupsShown))
            {
                html.Append(CultureInfo.InvariantCulture, $"<tr><td>{StatusText.Html(g.ListId, 120)}</td><td>{Time(g.LastReceivedAt)}</td><td>{Age(TimeSpan.FromSeconds(g.SilentSeconds))}</td></tr>");
            }

            html.Append("</tbody></table></div>");
        }

        html.Append("</section>");
    }
}
