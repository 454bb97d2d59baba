namespace MailGate.Core.Rules;

/// <summary>
/// The rules file's top-level <c>coverage:</c> section (issue #15): where the alerts MailGate raises about its own
/// coverage (a probe missing or not sent, silence) page. Coverage alerts never go through the rules: each is one
/// event on <see cref="Route"/> at <see cref="Severity"/>.
/// </summary>
/// <param name="Route">The name of a route of the file (<c>route:</c>, required).</param>
/// <param name="Severity">The events' severity (<c>severity:</c>): <c>critical</c>, <c>error</c>, <c>warning</c> (the default) or <c>info</c>.</param>
public sealed record CoverageSection(string Route, string Severity = Severities.Warning);
