using System.Text.RegularExpressions;

namespace MailGate.Rules;

/// <summary>One place an extract looks: a field (a header when <see cref="Header"/> is set) and a regex.</summary>
internal sealed record ExtractSource(FieldKind Field, string? Header, Regex Regex);
