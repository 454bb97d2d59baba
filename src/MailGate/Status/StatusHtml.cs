using System.Globalization;
using System.Text;
using MailGate.Http;

namespace MailGate.Status;

/// <summary>
/// The status page's HTML, rendered on the server. Every value that comes from outside (subjects, senders,
/// errors, ids, rule names) goes through <see cref="StatusText.Html"/>; the only markup is this class's own.
/// </summary>
internal static partial class StatusHtml
{
    private static readonly string[] Outcomes = ["delivered", "pending", "rejected", "expired", "dead", "dropped", "dry-run", "duplicate", "failed"];

    /// <summary>A whole document around <paramref name="body"/> (already HTML); <paramref name="title"/> is text.</summary>
    public static string Layout(string title, string body) => $"""
        <!DOCTYPE html>
        <html lang="en">
        <head>
        <meta charset="utf-8">
        <meta name="viewport" content="width=device-width, initial-scale=1">
        <title>{StatusText.Html(title)} · MailGate</title>
        <link rel="stylesheet" href="/status/style.css">
        </head>
        <body>
        {body}
        </body>
        </html>
        """;

    /// <summary>The login form; <paramref name="problem"/> is shown above it.</summary>
    public static string Login(string? problem) => Layout("Sign in", $"""
        <main class="narrow">
        <h1>MailGate status</h1>
        {(problem is null ? "" : $"<p class=\"notice bad\">{StatusText.Html(problem)}</p>")}
        <form method="post" action="/status/login" class="card">
        <label for="token">Status token (<code>Http:StatusToken</code>)</label>
        <input id="token" name="token" type="password" autocomplete="current-password" required>
        <button type="submit">Sign in</button>
        </form>
        </main>
        """);

    /// <summary>The status page.</summary>
    public static string Overview(StatusOverview overview, Page<DecisionSummary> decisions, IReadOnlyList<DeadLetter> dead, DecisionFilter filter, string csrf, string? notice)
    {
        var html = new StringBuilder();
        html.Append(Header(overview));
        html.Append("<main>");
        html.Append(notice switch
        {
            "requeued" => "<p class=\"notice good\">Re-queued: the gateway sends it again within Spool:ScanInterval.</p>",
            "not-dead" => "<p class=\"notice bad\">That message is no longer a dead letter.</p>",
            "failed" => "<p class=\"notice bad\">It could not be re-queued: see the gateway's log.</p>",
            _ => "",
        });
        Decisions(html, decisions, filter);
        Dead(html, dead, csrf);
        Pollers(html, overview.Pollers);
        Coverage(html, overview.Coverage);
        html.Append("</main>");
        return Layout("Status", html.ToString());
    }

    private static string Header(StatusOverview o) => $"""
        <header>
        <h1>MailGate <span class="muted">{StatusText.Html(o.Version, 24)}</span></h1>
        <div class="cards">
        <div class="card"><h2>Up</h2><p class="big">{Age(o.Uptime)}</p></div>
        <div class="card"><h2>Rules</h2><p><code>{StatusText.Html(o.RulesVersion, 16)}</code></p>{(o.RulesProblem is null ? "<p class=\"good\">loaded</p>" : $"<p class=\"bad\">last reload failed: {StatusText.Html(o.RulesProblem, 300)}</p>")}</div>
        <div class="card"><h2>PagerDuty</h2><p class="big {(o.CircuitOpen ? "bad" : "good")}">{(o.CircuitOpen ? "circuit open" : "circuit closed")}</p></div>
        <div class="card"><h2>Storage</h2><p>{StatusText.Html(o.Backend)} · <span class="muted">{StatusText.Html(o.Location, 60)}</span></p><p>{Count(o.Unfinished)} unfinished · <span class="{(o.Dead is > 0 ? "bad" : "")}">{Count(o.Dead)} dead</span></p><p class="muted">oldest unfinished: {(o.OldestUnfinishedAge is { } a ? Age(a) : "none")}</p></div>
        </div>
        </header>
        """;

    private static void Decisions(StringBuilder html, Page<DecisionSummary> page, DecisionFilter filter)
    {
        html.Append("<section id=\"decisions\"><h2>Recent decisions</h2>");
        html.Append("<form method=\"get\" action=\"/status\" class=\"filter\">");
        html.Append(CultureInfo.InvariantCulture, $"<input name=\"q\" type=\"search\" placeholder=\"id, sender, subject, account, rule, dedup key\" value=\"{StatusText.Html(filter.Text, 200)}\" aria-label=\"Text\">");
        html.Append("<select name=\"outcome\" aria-label=\"Outcome\"><option value=\"\">any outcome</option>");
        foreach (var outcome in Outcomes)
        {
            html.Append(CultureInfo.InvariantCulture, $"<option{(string.Equals(filter.Outcome, outcome, StringComparison.OrdinalIgnoreCase) ? " selected" : "")}>{outcome}</option>");
        }

        html.Append("</select><button type=\"submit\">Filter</button></form>");
        if (page.Total == 0)
        {
            html.Append("<p class=\"muted\">No decisions yet.</p></section>");
            return;
        }

        html.Append("<div class=\"scroll\"><table><thead><tr><th>Received (UTC) · id</th><th>Source</th><th>Sender</th><th>Subject</th><th>Account</th><th>Rule</th><th>Action</th><th>Outcome</th><th>Dedup key</th></tr></thead><tbody>");
        foreach (var d in page.Items)
        {
            html.Append(CultureInfo.InvariantCulture, $"<tr><td class=\"nowrap\">{Time(d.ReceivedAt)}<br><a href=\"{DecisionLink(d.Id)}\">{StatusText.Html(d.Id, 40)}</a></td><td class=\"nowrap\">{StatusText.Html(d.Source)}</td><td>{StatusText.Html(d.Sender, 60)}</td><td class=\"subject\">{StatusText.Html(d.Subject, 100)}</td><td>{StatusText.Html(d.Account, 40)}</td><td class=\"nowrap\">{StatusText.Html(string.Join(", ", d.Rules), 60)}</td><td class=\"nowrap\">{StatusText.Html(d.Action)}<br>{(d.Trusted ? "<span class=\"muted\">trusted</span>" : "<span class=\"warn\">not trusted</span>")}</td><td>{Badge(d.Outcome)}</td><td class=\"key\" title=\"{StatusText.Html(string.Join(", ", d.DedupKeys), 400)}\"><code>{StatusText.Html(string.Join(", ", d.DedupKeys), 28)}</code></td></tr>");
        }

        html.Append("</tbody></table></div>");
        var query = $"q={Uri.EscapeDataString(filter.Text ?? "")}&amp;outcome={Uri.EscapeDataString(filter.Outcome ?? "")}";
        html.Append(CultureInfo.InvariantCulture, $"<nav class=\"pager\">{(page.Number > 1 ? $"<a href=\"/status?{query}&amp;page={page.Number - 1}#decisions\">← newer</a>" : "")} <span class=\"muted\">page {page.Number} of {page.Pages} · {page.Total} decision(s)</span> {(page.HasNext ? $"<a href=\"/status?{query}&amp;page={page.Number + 1}#decisions\">older →</a>" : "")}</nav></section>");
    }

    private static void Dead(StringBuilder html, IReadOnlyList<DeadLetter> dead, string csrf)
    {
        html.Append(CultureInfo.InvariantCulture, $"<section id=\"dead\"><h2>Dead letters <span class=\"muted\">({dead.Count})</span></h2>");
        if (dead.Count == 0)
        {
            html.Append("<p class=\"muted\">None: every message was delivered or dropped on purpose.</p></section>");
            return;
        }

        html.Append("<div class=\"scroll\"><table><thead><tr><th>Received (UTC) · id</th><th>Subject</th><th>Why it died</th><th></th></tr></thead><tbody>");
        foreach (var d in dead)
        {
            html.Append(CultureInfo.InvariantCulture, $"<tr><td class=\"nowrap\">{Time(d.Decision.ReceivedAt)}<br><a href=\"{DecisionLink(d.Decision.Id)}\">{StatusText.Html(d.Decision.Id, 40)}</a></td><td class=\"subject\">{StatusText.Html(d.Decision.Subject, 100)}</td><td class=\"reason\">{StatusText.Html(d.Reason, 300)}</td>");
            html.Append(CultureInfo.InvariantCulture, $"<td><form method=\"post\" action=\"/status/dead/{StatusText.Html(Uri.EscapeDataString(d.Decision.Id), 200)}/retry\"><input type=\"hidden\" name=\"csrf\" value=\"{StatusText.Html(csrf, 1000)}\"><button type=\"submit\">Retry</button></form></td></tr>");
        }

        html.Append("</tbody></table></div></section>");
    }

    private static void Pollers(StringBuilder html, PollersReport pollers)
    {
        html.Append("<section id=\"pollers\"><h2>Pollers</h2>");
        if (pollers.SupportCases is not { } cases)
        {
            html.Append("<p class=\"muted\">The AWS Support poller is off (<code>SupportCases:Enabled</code>).</p>");
        }
        else
        {
            html.Append(CultureInfo.InvariantCulture, $"<p>AWS Support cases: {cases.Polls} round(s); accounts listed {(cases.AccountsListedAt is { } at ? Time(at) : "not yet")}{(cases.AccountsError is { } e ? $" · <span class=\"bad\">{StatusText.Html(e, 300)}</span>" : "")}</p>");
            html.Append("<div class=\"scroll\"><table><thead><tr><th>Account</th><th>Name</th><th>State</th><th>Last success</th><th>Last error</th><th>Cases found</th></tr></thead><tbody>");
            foreach (var a in cases.Accounts)
            {
                html.Append(CultureInfo.InvariantCulture, $"<tr><td>{StatusText.Html(a.AccountId)}</td><td>{StatusText.Html(a.AccountName, 60)}</td><td>{Badge(a.State)}</td><td>{(a.LastSuccess is { } s ? Time(s) : "never")}</td><td>{StatusText.Html(a.LastError, 200)}</td><td>{a.CasesFound}</td></tr>");
            }

            html.Append("</tbody></table></div>");
        }

        html.Append(pollers.HealthEvents is { } health
            ? string.Create(CultureInfo.InvariantCulture, $"<p id=\"health-poller\">AWS Health events: {Badge(health.State)} · {health.Polls} poll(s), {health.Spooled} event(s) spooled · last success {(health.LastSuccess is { } ok ? Time(ok) : "never")}{(health.Error is { } he ? $" · <span class=\"bad\">{StatusText.Html(he, 300)}</span>" : "")}</p>")
            : "<p id=\"health-poller\" class=\"muted\">The AWS Health poller is off (<code>Health:Enabled</code>).</p>");
        html.Append("</section>");
    }

    private static string DecisionLink(string id) => "/status/decisions/" + StatusText.Html(Uri.EscapeDataString(id), 400);

    private static string Badge(string outcome)
    {
        var tone = outcome switch
        {
            "delivered" or "ok" or "dropped" or "duplicate" or "dry-run" => "good",
            "pending" => "warn",
            _ => "bad",
        };
        return $"<span class=\"badge {tone}\">{StatusText.Html(outcome, 40)}</span>";
    }

    private static string Count(int? count) => count?.ToString(CultureInfo.InvariantCulture) ?? "?";

    private static string Time(DateTimeOffset at) => at.UtcDateTime.ToString("yyyy-MM-dd HH:mm:ss", CultureInfo.InvariantCulture);

    private static string Age(TimeSpan age) => age < TimeSpan.Zero ? "in the future"
        : age.TotalMinutes < 1 ? $"{age.TotalSeconds:0}s"
        : age.TotalHours < 1 ? $"{(int)age.TotalMinutes}m {age.Seconds}s"
        : age.TotalDays < 1 ? $"{(int)age.TotalHours}h {age.Minutes}m"
        : $"{(int)age.TotalDays}d {age.Hours}h";
}
