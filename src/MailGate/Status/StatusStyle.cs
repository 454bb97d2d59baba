namespace MailGate.Status;

/// <summary>The status page's one stylesheet (<c>/status/style.css</c>): the CSP allows styles from it only.</summary>
internal static class StatusStyle
{
    /// <summary>The stylesheet: readable on a phone (tables scroll sideways), light and dark.</summary>
    public const string Css = """
        :root { color-scheme: light dark; --bg: #f6f7f9; --card: #fff; --text: #1d2330; --muted: #667085; --line: #e3e6ea; --good: #12733d; --bad: #b42318; --warn: #9a6700; --accent: #2554c7; }
        @media (prefers-color-scheme: dark) { :root { --bg: #12151b; --card: #1b2029; --text: #e6e8ec; --muted: #98a2b3; --line: #2c3340; --good: #4ade80; --bad: #f87171; --warn: #fbbf24; --accent: #7aa2ff; } }
        * { box-sizing: border-box; }
        body { margin: 0; font: 15px/1.45 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; background: var(--bg); color: var(--text); }
        header, main { max-width: 1280px; margin: 0 auto; padding: 12px 16px; }
        main.narrow { max-width: 420px; padding-top: 48px; }
        h1 { font-size: 1.5rem; margin: 8px 0 12px; overflow-wrap: anywhere; }
        h2 { font-size: 1.1rem; margin: 24px 0 8px; }
        .card h2 { font-size: .8rem; text-transform: uppercase; letter-spacing: .05em; color: var(--muted); margin: 0 0 6px; }
        .cards { display: grid; grid-template-columns: repeat(auto-fit, minmax(220px, 1fr)); gap: 12px; }
        .card { background: var(--card); border: 1px solid var(--line); border-radius: 10px; padding: 12px 14px; }
        .card p { margin: 2px 0; overflow-wrap: anywhere; }
        .big { font-size: 1.25rem; font-weight: 600; }
        .muted { color: var(--muted); font-weight: normal; }
        .good { color: var(--good); } .bad { color: var(--bad); } .warn { color: var(--warn); }
        .notice { padding: 8px 12px; border-radius: 8px; background: var(--card); border: 1px solid var(--line); }
        .scroll { overflow-x: auto; background: var(--card); border: 1px solid var(--line); border-radius: 10px; }
        table { border-collapse: collapse; width: 100%; font-size: .9rem; }
        th, td { text-align: left; padding: 7px 10px; border-bottom: 1px solid var(--line); vertical-align: top; }
        th { font-size: .75rem; text-transform: uppercase; letter-spacing: .04em; color: var(--muted); white-space: nowrap; }
        tr:last-child td { border-bottom: none; }
        td.subject, td.reason { min-width: 220px; max-width: 420px; overflow-wrap: anywhere; }
        .nowrap { white-space: nowrap; }
        td.key { max-width: 200px; }
        code { font: .85em ui-monospace, SFMono-Regular, Menlo, monospace; overflow-wrap: anywhere; }
        a { color: var(--accent); text-decoration: none; } a:hover { text-decoration: underline; }
        .badge { display: inline-block; padding: 1px 8px; border-radius: 999px; font-size: .8rem; border: 1px solid currentColor; white-space: nowrap; }
        .filter { display: flex; flex-wrap: wrap; gap: 8px; margin-bottom: 10px; }
        .filter input { flex: 1 1 260px; }
        input, select, button { font: inherit; padding: 6px 10px; border-radius: 8px; border: 1px solid var(--line); background: var(--card); color: var(--text); }
        button { background: var(--accent); color: #fff; border-color: var(--accent); cursor: pointer; }
        form.card { display: grid; gap: 10px; }
        .pager { display: flex; gap: 16px; justify-content: center; padding: 10px; }
        dl.facts { display: grid; grid-template-columns: max-content 1fr; gap: 4px 16px; background: var(--card); border: 1px solid var(--line); border-radius: 10px; padding: 12px 14px; margin: 0; }
        dl.facts dt { color: var(--muted); } dl.facts dd { margin: 0; overflow-wrap: anywhere; }
        @media (max-width: 600px) { dl.facts { grid-template-columns: 1fr; } dl.facts dd { margin-bottom: 6px; } header, main { padding: 8px 10px; } }
        """;
}
