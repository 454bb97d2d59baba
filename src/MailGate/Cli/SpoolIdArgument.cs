using MailGate.Core.Storage;
using System.CommandLine;

namespace MailGate.Cli;

/// <summary>The spool id argument of <c>mailgate spool show|retry</c>, told apart from the configuration settings.</summary>
internal static class SpoolIdArgument
{
    /// <summary>
    /// The spool id a command was given, and its configuration settings. System.CommandLine binds the first token it
    /// does not know to the id argument: a setting (<c>--Spool:Backend=postgres</c>) given before the id, or after
    /// <c>retry --all-dead</c> (no id), would be taken for the id and lost to the configuration, so that the command
    /// worked on the file spool instead of the database. A spool id never starts with <c>-</c>.
    /// </summary>
    public static (string? Id, string[] Settings) Split(ParseResult result, string? given)
    {
        string[] unmatched = [.. result.UnmatchedTokens];
        if (given is null || !given.StartsWith('-'))
        {
            return (given, unmatched);
        }

        var real = Array.FindIndex(unmatched, SpoolIds.IsValid);
        return real < 0 ? (null, [given, .. unmatched]) : (unmatched[real], [given, .. unmatched.Where((_, i) => i != real)]);
    }
}
