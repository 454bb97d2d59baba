using System.Globalization;
using System.Text.RegularExpressions;

namespace MailGate.Core.Rules;

/// <summary>
/// Compiles rule-file regexes one way everywhere (.NET's non-backtracking engine: time linear in the
/// input, no catastrophic backtracking) and runs them without ever throwing. A match that still runs
/// past its timeout — the engine's automaton can grow large for some patterns — is reported as
/// <see cref="Truth.Unknown"/>, never as "no match".
/// </summary>
internal static class RegexFactory
{
    public const RegexOptions Options =
        RegexOptions.NonBacktracking | RegexOptions.IgnoreCase | RegexOptions.CultureInvariant;

    /// <summary>How long one match may run before it counts as failed (<see cref="RulesLoadOptions.RegexMatchTimeout"/>'s default).</summary>
    public static readonly TimeSpan MatchTimeout = TimeSpan.FromMilliseconds(100);

    /// <summary>Compiles <paramref name="pattern"/> with <paramref name="timeout"/>, or returns null and says why.</summary>
    public static Regex? TryCreate(string pattern, TimeSpan timeout, out string? error)
    {
        try
        {
            error = null;
            return new Regex(pattern, Options, timeout);
        }
        catch (RegexParseException ex)
        {
            error = $"invalid regex '{pattern}': {ex.Error} at offset {ex.Offset}";
        }
        catch (NotSupportedException ex)
        {
            error = $"regex '{pattern}' is not supported (no backreferences, lookarounds, atomic groups or conditionals): {ex.Message}";
        }
        catch (ArgumentException ex)
        {
            error = $"invalid regex '{pattern}': {ex.Message}";
        }

        return null;
    }

    /// <summary>
    /// How many times a match that timed out is tried: twice. The engine builds its automaton while it matches and keeps
    /// it, so a cold first match (just after start-up or a reload, on a starved CPU) can run past the timeout where the
    /// next one does not; a pattern that is slow for real times out twice and costs two timeouts, no more.
    /// </summary>
    public const int Attempts = 2;

    /// <summary>Whether <paramref name="regex"/> matches somewhere in <paramref name="value"/>; Unknown when it timed out <see cref="Attempts"/> times.</summary>
    public static Truth IsMatch(Regex regex, ReadOnlySpan<char> value)
    {
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                return regex.IsMatch(value) ? Truth.True : Truth.False;
            }
            catch (RegexMatchTimeoutException) when (attempt < Attempts)
            {
                // once more, with the automaton built so far
            }
            catch (RegexMatchTimeoutException)
            {
                return Truth.Unknown;
            }
        }
    }

    /// <summary>The first match, or null when there is none or (<paramref name="timedOut"/>) the match timed out <see cref="Attempts"/> times.</summary>
    public static Match? Match(Regex regex, string value, out bool timedOut)
    {
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                timedOut = false;
                var match = regex.Match(value);
                return match.Success ? match : null;
            }
            catch (RegexMatchTimeoutException) when (attempt < Attempts)
            {
                // once more, with the automaton built so far
            }
            catch (RegexMatchTimeoutException)
            {
                timedOut = true;
                return null;
            }
        }
    }

    /// <summary>What a timeout says in errors and traces: <c>regex '…' timed out after 100 ms</c>.</summary>
    public static string TimedOut(Regex regex) =>
        string.Create(CultureInfo.InvariantCulture, $"regex '{regex}' timed out after {regex.MatchTimeout.TotalMilliseconds:0.###} ms");
}
