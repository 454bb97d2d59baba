using MailGate.Core.Facts;
using System.Text.RegularExpressions;

namespace MailGate.Core.Rules;

/// <summary>One place an extract looks: a field (a header when <see cref="Header"/> is set) and a regex.</summary>
internal sealed record ExtractSource(Field Field, string? Header, Regex Regex);
