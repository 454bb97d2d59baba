using MailGate.Core.Files;
using System.Diagnostics.CodeAnalysis;
using System.Globalization;
using System.Text;

namespace MailGate.Core.Rules;

/// <summary>
/// Loads rules files. <see cref="Load"/> and <see cref="Parse"/> throw <see cref="RulesException"/>
/// listing every error (for startup); <see cref="TryRead"/> and <see cref="TryParse"/> return them
/// (for reloads, which keep the last good rule set). Every file is held to <see cref="RulesLimits"/>
/// before any condition is built, and no input makes these methods throw anything else.
/// </summary>
public static class RulesLoader
{
    /// <summary>Reads and parses the rules file at <paramref name="path"/>.</summary>
    /// <exception cref="RulesException">The file cannot be read (one error at 0:0) or is invalid.</exception>
    public static RuleSet Load(string path, RulesLoadOptions? options = null) =>
        TryRead(path, out var yaml, out var error) ? Parse(yaml, path, options) : throw new RulesException([error]);

    /// <summary>
    /// Reads the rules file's text as <see cref="File.ReadAllText(string)"/> would (UTF-8 unless a
    /// byte-order mark says otherwise), but never more than <see cref="RulesLimits.MaxFileBytes"/> + 1
    /// bytes: a longer file gives its first part, which <see cref="TryParse"/> then refuses as too large.
    /// </summary>
    /// <returns>
    /// False, with an error at 0:0 saying why, when the file does not exist, is a directory, is not a
    /// regular file (a FIFO, socket or device, behind any symbolic links: opening a FIFO waits for a
    /// writer, forever) or cannot be opened or read.
    /// </returns>
    public static bool TryRead(string path, [NotNullWhen(true)] out string? text, [NotNullWhen(false)] out RuleError? error)
    {
        ArgumentNullException.ThrowIfNull(path);
        text = null;
        error = null;
        string? problem;
        try
        {
            if (Directory.Exists(path))
            {
                problem = "it is a directory, not a file";
            }
            else if (EntryKinds.Of(File.ResolveLinkTarget(path, returnFinalTarget: true)?.FullName ?? path) == EntryKind.Other)
            {
                problem = "it is not a regular file (a FIFO, socket or device)";
            }
            else
            {
                text = ReadBounded(path);
                return true;
            }
        }
        catch (Exception e) when (e is FileNotFoundException or DirectoryNotFoundException)
        {
            problem = "the file does not exist";
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or NotSupportedException or ArgumentException or System.Security.SecurityException)
        {
            problem = e.Message;
        }

        error = new RuleError(path, 0, 0, null, "cannot read the rules file: " + problem);
        return false;
    }

    /// <summary>The version a rule set loaded from <paramref name="yaml"/> has: the first 12 hex digits of its SHA-256.</summary>
    public static string VersionOf(string yaml)
    {
        ArgumentNullException.ThrowIfNull(yaml);
        return RuleFileReader.VersionOf(yaml);
    }

    /// <summary>Parses rules-file text; <paramref name="sourceName"/> names it in errors.</summary>
    /// <exception cref="RulesException">The text is invalid.</exception>
    public static RuleSet Parse(string yaml, string sourceName, RulesLoadOptions? options = null) =>
        TryParse(yaml, sourceName, options, out var rules, out var errors) ? rules : throw new RulesException(errors);

    /// <summary>
    /// Parses rules-file text, returning every error instead of throwing. A failure of the loader
    /// itself (a bug) is returned as an error at the last place it read, so that it refuses the file
    /// instead of stopping the caller.
    /// </summary>
    public static bool TryParse(string yaml, string sourceName, RulesLoadOptions? options, [NotNullWhen(true)] out RuleSet? rules, out IReadOnlyList<RuleError> errors)
    {
        ArgumentNullException.ThrowIfNull(yaml);
        ArgumentNullException.ThrowIfNull(sourceName);
        var context = new ParseContext(sourceName, options ?? new RulesLoadOptions());
        rules = null;
        if (TooLarge(yaml) is { } tooLarge)
        {
            context.Error(tooLarge.Line, tooLarge.Column, string.Create(CultureInfo.InvariantCulture,
                $"the rules file is larger than {RulesLimits.MaxFileBytes:N0} bytes (it crosses the limit here); split or shorten it"));
        }
        else
        {
            try
            {
                rules = RuleFileReader.Read(yaml, context);
            }
#pragma warning disable CA1031 // A loader bug must refuse the file, not stop the gateway: the error says what failed.
            catch (Exception e)
#pragma warning restore CA1031
            {
                var (line, column) = context.Last is { } last ? ((int)last.Start.Line, (int)last.Start.Column) : (0, 0);
                context.Error(line, column, $"the rules loader failed reading this file ({e.GetType().Name}: {e.Message}); the file is refused");
                rules = null;
            }
        }

        errors = context.Errors;
        return rules is not null && errors.Count == 0;
    }

    private static string ReadBounded(string path)
    {
        using var file = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
        using var bytes = new MemoryStream();
        var buffer = new byte[16 * 1024];
        int read;
        while (bytes.Length <= RulesLimits.MaxFileBytes && (read = file.Read(buffer, 0, (int)Math.Min(buffer.Length, RulesLimits.MaxFileBytes + 1 - bytes.Length))) > 0)
        {
            bytes.Write(buffer, 0, read);
        }

        bytes.Position = 0;
        using var reader = new StreamReader(bytes, Encoding.UTF8, detectEncodingFromByteOrderMarks: true);
        return reader.ReadToEnd();
    }

    /// <summary>Where the text crosses <see cref="RulesLimits.MaxFileBytes"/> of UTF-8, as 1-based line and column; null when it does not.</summary>
    private static (int Line, int Column)? TooLarge(string yaml)
    {
        if (yaml.Length <= RulesLimits.MaxFileBytes / 3 || Encoding.UTF8.GetByteCount(yaml) <= RulesLimits.MaxFileBytes)
        {
            return null;
        }

        var (line, column, bytes) = (1, 1, 0);
        foreach (var rune in yaml.EnumerateRunes())
        {
            bytes += rune.Utf8SequenceLength;
            if (bytes > RulesLimits.MaxFileBytes)
            {
                break;
            }

            (line, column) = rune.Value == '\n' ? (line + 1, 1) : (line, column + 1);
        }

        return (line, column);
    }
}
