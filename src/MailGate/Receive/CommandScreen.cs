using System.Buffers;
using System.Text;
using System.Text.RegularExpressions;

namespace MailGate.Receive;

/// <summary>What <see cref="CommandScreen.Screen"/> decided for one command line.</summary>
/// <param name="Reply">The reply MailGate sends itself (the line never reaches SmtpServer), or null.</param>
/// <param name="Rewritten">The line SmtpServer gets instead, CRLF included, or null.</param>
/// <param name="Reason">The metric reason for a reply, or null.</param>
internal readonly record struct Screened(string? Reply, byte[]? Rewritten, string? Reason)
{
    /// <summary>The line goes to SmtpServer unchanged.</summary>
    public static Screened Pass => default;
}

/// <summary>
/// Looks at each command line before SmtpServer does, for the commands whose answer MailGate decides
/// itself rather than leave to the library's defaults. Replies given here do not count toward
/// <see cref="SmtpOptions.MaxErrors"/> (SmtpServer never sees the line).
/// </summary>
/// <remarks>
/// <list type="bullet">
/// <item><c>RCPT</c> once <see cref="SmtpOptions.MaxRecipients"/> recipients are accepted:
/// <c>452 4.5.3</c> (RFC 5321 §4.5.3.1.10: the client sends the rest in another transaction).</item>
/// <item><c>RCPT TO:&lt;Postmaster&gt;</c> (no domain, any case, also quoted): RFC 5321 §4.5.1 requires it
/// to be accepted, and SmtpServer cannot parse it; it becomes <c>RCPT TO:&lt;Postmaster@<i>server name</i>&gt;</c>.</item>
/// <item><c>MAIL FROM</c> with a parameter that is not <c>keyword[=value]</c> (RFC 5321 §4.1.2: the value
/// printable ASCII other than <c>=</c>, at least one character) or with a keyword twice: <c>501 5.5.4</c>.
/// SmtpServer drops all parameters when one is malformed (so <c>SIZE=</c>, <c>SIZE=１</c> or a
/// <c>SIZE</c> over the limit next to a malformed parameter got <c>250</c>) and ends the session without a
/// reply on a repeated one.</item>
/// <item><c>AUTH</c> (any mechanism): MailGate has no users: <c>503 5.5.1</c>, as Postfix answers
/// without SASL.</item>
/// <item><c>VRFY</c>, <c>EXPN</c>: nothing to verify or expand and nothing to disclose: <c>502 5.5.1</c>,
/// as Postfix answers with <c>disable_vrfy_command</c>.</item>
/// <item><c>HELP</c>: <c>502 5.5.1</c>.</item>
/// </list>
/// </remarks>
internal static partial class CommandScreen
{
    /// <summary>The reply to RCPT TO past <see cref="SmtpOptions.MaxRecipients"/>.</summary>
    public const string TooManyRecipients = "452 4.5.3 Too many recipients";

    /// <summary>The reply to AUTH.</summary>
    public const string AuthNotEnabled = "503 5.5.1 Error: authentication not enabled";

    /// <summary>The reply to MAIL FROM with a malformed or repeated parameter (RFC 5321 §4.2.3: 501, syntax error in parameters).</summary>
    public const string BadMailParameters = "501 5.5.4 Syntax error in MAIL FROM parameters";

    /// <summary>Longer than this a command line cannot be (RFC 4954 §4 allows AUTH lines of 12,288 octets).</summary>
    public const int MaxLineLength = 12_288;

    /// <summary>Decides for <paramref name="line"/> (one command line, CRLF included).</summary>
    /// <param name="line">The command line.</param>
    /// <param name="acceptedRecipients">Recipients accepted in the current transaction.</param>
    /// <param name="maxRecipients"><see cref="SmtpOptions.MaxRecipients"/>.</param>
    /// <param name="serverName"><see cref="SmtpOptions.ServerName"/>, the domain given to <c>&lt;Postmaster&gt;</c>.</param>
    public static Screened Screen(ReadOnlySequence<byte> line, int acceptedRecipients, int maxRecipients, string serverName)
    {
        var text = Encoding.Latin1.GetString(line);
        var verbEnd = text.IndexOfAny([' ', '\t', '\r', '\n']);
        var verb = verbEnd < 0 ? text : text[..verbEnd];
        switch (verb.ToUpperInvariant())
        {
            case "RCPT":
                if (acceptedRecipients >= maxRecipients)
                {
                    return new Screened(TooManyRecipients, null, "too_many_recipients");
                }

                var postmaster = PostmasterPattern().Match(text);
                return postmaster.Success
                    ? new Screened(null, Encoding.Latin1.GetBytes($"RCPT TO:<{postmaster.Groups["local"].Value}@{serverName}>{postmaster.Groups["rest"].Value}"), null)
                    : Screened.Pass;
            case "MAIL":
                return HasBadParameters(text) ? new Screened(BadMailParameters, null, "bad_parameters") : Screened.Pass;
            case "AUTH":
                return new Screened(AuthNotEnabled, null, "auth_not_enabled");
            case "VRFY":
                return new Screened("502 5.5.1 VRFY command is disabled", null, null);
            case "EXPN":
                return new Screened("502 5.5.1 EXPN command is disabled", null, null);
            case "HELP":
                return new Screened("502 5.5.1 HELP is not available", null, null);
            default:
                return Screened.Pass;
        }
    }

    /// <summary>
    /// Whether the parameters after MAIL FROM's <c>&lt;path&gt;</c> in <paramref name="line"/> are malformed or
    /// repeated. A line whose path cannot be found is left to SmtpServer, which refuses it.
    /// </summary>
    private static bool HasBadParameters(string line)
    {
        var open = line.IndexOf('<', StringComparison.Ordinal);
        if (open < 0)
        {
            return false;
        }

        // The path ends at the first '>' outside a quoted local part ("a>b"@example.com).
        var quoted = false;
        var close = open + 1;
        for (; close < line.Length; close++)
        {
            var c = line[close];
            if (quoted && c == '\\')
            {
                close++;
            }
            else if (c == '"')
            {
                quoted = !quoted;
            }
            else if (c == '>' && !quoted)
            {
                break;
            }
        }

        if (close >= line.Length)
        {
            return false;
        }

        var keywords = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        foreach (var parameter in line[(close + 1)..].TrimEnd('\r', '\n').Split(' ', StringSplitOptions.RemoveEmptyEntries))
        {
            var match = ParameterPattern().Match(parameter);
            if (!match.Success || !keywords.Add(match.Groups["keyword"].Value))
            {
                return true;
            }
        }

        return false;
    }

    [GeneratedRegex(@"^RCPT +TO: *<(?<local>(?<quote>""?)postmaster\k<quote>)>(?<rest>[^\r\n]*\r\n)$", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant, matchTimeoutMilliseconds: 1000)]
    private static partial Regex PostmasterPattern();

    // RFC 5321 §4.1.2: esmtp-keyword ["=" esmtp-value], esmtp-value = 1*(%d33-60 / %d62-126).
    [GeneratedRegex(@"^(?<keyword>[A-Za-z0-9][A-Za-z0-9-]*)(=[\x21-\x3c\x3e-\x7e]+)?$", RegexOptions.CultureInvariant, matchTimeoutMilliseconds: 1000)]
    private static partial Regex ParameterPattern();
}
