using System.Globalization;
using System.Text;

namespace MailGate.Status;

internal static partial class StatusHtml
{
    /// <summary>A decision page: the row, the recorded facts, every rule's verdict with its reason, and the deliveries.</summary>
    public static string Decision(DecisionDetail detail)
    {
        var s = detail.Summary;
        var html = new StringBuilder();
        html.Append(CultureInfo.InvariantCulture, $"<header><p><a href=\"/status\">← status</a></p><h1 class=\"subject\">{StatusText.Html(s.Subject.Length == 0 ? "(no subject)" : s.Subject, 300)}</h1>");
        html.Append(CultureInfo.InvariantCulture, $"<p><code>{StatusText.Html(s.Id, 64)}</code> · {StatusText.Html(s.Source)} · {StatusText.Html(s.State)} · {StatusText.Html(s.Action)} · {Badge(s.Outcome)}</p></header><main>");

        html.Append("<section id=\"facts\"><h2>Facts</h2><dl class=\"facts\">");
        foreach (var (name, value) in detail.Facts)
        {
            html.Append(CultureInfo.InvariantCulture, $"<dt>{StatusText.Html(name.Replace('_', ' '))}</dt><dd>{StatusText.Html(value, StatusText.Long)}</dd>");
        }

        html.Append("</dl>");
        foreach (var untrusted in detail.Untrusted)
        {
            html.Append(CultureInfo.InvariantCulture, $"<p class=\"warn\">Not paged, not trusted: {StatusText.Html(untrusted, 500)}</p>");
        }

        html.Append("</section>");

        html.Append(CultureInfo.InvariantCulture, $"<section id=\"verdicts\"><h2>Rules</h2><p class=\"muted\">Every rule's verdict, as <code>mailgate rules test</code> explains it, with the rules in force now (<code>{StatusText.Html(detail.VerdictsRulesVersion, 16)}</code>).</p>");
        if (detail.VerdictsProblem is { } problem)
        {
            html.Append(CultureInfo.InvariantCulture, $"<p class=\"bad\">The message could not be read again: {StatusText.Html(problem, 500)}</p>");
        }
        else
        {
            html.Append("<div class=\"scroll\"><table><thead><tr><th>Rule</th><th>Verdict</th><th>Why</th></tr></thead><tbody>");
            foreach (var v in detail.Verdicts)
            {
                html.Append(CultureInfo.InvariantCulture, $"<tr><td>{StatusText.Html(v.Rule, 80)}</td><td>{(v.Matched ? "<span class=\"badge good\">matched</span>" : "<span class=\"badge\">no</span>")}</td><td class=\"reason\">{StatusText.Html(v.Reason, 500)}</td></tr>");
            }

            html.Append("</tbody></table></div>");
        }

        html.Append("</section><section id=\"deliveries\"><h2>Deliveries</h2>");
        if (detail.Deliveries.Count == 0)
        {
            html.Append("<p class=\"muted\">None: nothing was sent to PagerDuty for this message.</p>");
        }
        else
        {
            html.Append("<div class=\"scroll\"><table><thead><tr><th>Rule</th><th>Route</th><th>Event</th><th>Status</th><th>Attempts</th><th>Last attempt</th><th>Last error</th><th>Dedup key</th></tr></thead><tbody>");
            foreach (var d in detail.Deliveries)
            {
                html.Append(CultureInfo.InvariantCulture, $"<tr><td>{StatusText.Html(d.Rule, 80)}</td><td>{StatusText.Html(d.Route, 60)}</td><td>{StatusText.Html(d.EventAction)} · {StatusText.Html(d.Severity)}<br><span class=\"muted\">{StatusText.Html(d.Summary, 200)}</span></td><td>{Badge(d.Status)}</td><td>{d.Attempts}</td><td class=\"nowrap\">{(d.LastAttemptAt is { } at ? Time(at) : "")}</td><td class=\"reason\">{StatusText.Html(d.LastError, 500)}</td><td><code>{StatusText.Html(d.DedupKey, 80)}</code></td></tr>");
            }

            html.Append("</tbody></table></div>");
        }

        html.Append("</section></main>");
        return Layout("Decision " + s.Id, html.ToString());
    }
}
