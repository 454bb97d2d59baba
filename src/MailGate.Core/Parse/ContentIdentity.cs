using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using MimeKit;

namespace MailGate.Core.Parse;

/// <summary>
/// The identity of an email without a usable Message-ID (<see cref="MessageFacts.ContentHash"/>): a hash
/// of what its author wrote, the same whichever groups and relays it passed, different for different
/// emails.
/// </summary>
/// <remarks>
/// <para>
/// Hashed (SHA-256, hex): a version tag, the author (<see cref="MessageFacts.Sender"/>, resolved behind
/// Google Groups' From rewriting, lower case), the Date (Unix seconds; empty without one), the subject
/// without the tags groups put in it, the To and Cc addresses (lower case, in order), and the body text
/// without group footers; subject and body with every run of white space as one space, trimmed.
/// </para>
/// <para>
/// Left out, because each hop adds or changes them: Received, ARC, DKIM and Authentication-Results,
/// List-* and the other list headers, X-Original-* (they only serve to find the author), From when a
/// group rewrote it, the envelope, group footers in text and HTML parts (<see cref="GroupFooters"/>),
/// and each group's subject tag: a bracketed name (<c>[aws-root-123456789012]</c>, <c>[AWS root]</c>)
/// equal, ignoring case and punctuation, to the name of a group the message passed (from its List-Id
/// identifier or description, a group address in List-Post, Mailing-list or X-Spam-Checked-In-Group,
/// or the group in a <c>"… via Group"</c> display name). Other bracketed text (<c>[Action Required]</c>)
/// is the author's and stays.
/// </para>
/// </remarks>
internal static class ContentIdentity
{
    /// <summary>Changes when what is hashed changes, so old and new hashes never collide by accident.</summary>
    private const string Version = "content-v2";

    private const int MaxTagLength = 200;

    /// <summary>The content hash of a parsed message: see the remarks on <see cref="ContentIdentity"/>.</summary>
    public static string Hash(HeaderList headers, ParserOptions options, string sender, DateTimeOffset? date, string subject, IReadOnlyList<string> to, IReadOnlyList<string> cc, string body)
    {
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        var dateText = date?.ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture) ?? "";
        var head = string.Join('\n', Version, sender.ToLowerInvariant(), dateText, WithoutGroupTags(subject, GroupNames(headers, options)),
            string.Join(',', to).ToLowerInvariant(), string.Join(',', cc).ToLowerInvariant(), "");
        hash.AppendData(Encoding.UTF8.GetBytes(head));
        AppendCollapsed(hash, body);
        return Convert.ToHexStringLower(hash.GetHashAndReset());
    }

    /// <summary>
    /// <paramref name="subject"/> without the bracketed tags that name one of <paramref name="groupNames"/>
    /// (compared by <see cref="NameKey"/>), every run of white space as one space, trimmed.
    /// </summary>
    public static string WithoutGroupTags(string subject, IReadOnlySet<string> groupNames)
    {
        if (groupNames.Count == 0 || !subject.Contains('[', StringComparison.Ordinal))
        {
            return Collapse(subject);
        }

        var result = new StringBuilder(subject.Length);
        var i = 0;
        while (i < subject.Length)
        {
            var close = subject[i] == '[' ? subject.IndexOf(']', i + 1) : -1;
            if (close > i && close - i <= MaxTagLength && groupNames.Contains(NameKey(subject.AsSpan(i + 1, close - i - 1))))
            {
                result.Append(' ');
                i = close + 1;
            }
            else
            {
                result.Append(subject[i]);
                i++;
            }
        }

        return Collapse(result.ToString());
    }

    /// <summary>The names (as <see cref="NameKey"/>s) of every group the message passed.</summary>
    public static HashSet<string> GroupNames(HeaderList headers, ParserOptions options)
    {
        var names = new HashSet<string>(StringComparer.Ordinal);
        foreach (var address in SenderResolver.GroupAddresses(headers))
        {
            Add(names, address.AsSpan(0, Math.Max(0, address.IndexOf('@', StringComparison.Ordinal))));
        }

        foreach (var header in headers)
        {
            if (header.Field.Equals("List-Id", StringComparison.OrdinalIgnoreCase))
            {
                var value = header.Value;
                var open = value.LastIndexOf('<');
                Add(names, open > 0 ? value.AsSpan(0, open).Trim().Trim('"') : []);
                var id = ListIds.Identifier(value);
                var dot = id.IndexOf('.', StringComparison.Ordinal);
                Add(names, dot > 0 ? id.AsSpan(0, dot) : id);
            }
            else if ((header.Field.Equals("From", StringComparison.OrdinalIgnoreCase)
                    || SenderResolver.OriginalAuthorHeaders.Contains(header.Field, StringComparer.OrdinalIgnoreCase))
                && InternetAddressList.TryParse(options, header.RawValue, out var list))
            {
                foreach (var mailbox in list.Mailboxes)
                {
                    var via = mailbox.Name?.LastIndexOf(" via ", StringComparison.OrdinalIgnoreCase) ?? -1;
                    if (via >= 0)
                    {
                        Add(names, mailbox.Name.AsSpan(via + " via ".Length));
                    }
                }
            }
        }

        return names;
    }

    /// <summary>A group name compared without case and punctuation: <c>AWS root 1</c> and <c>aws-root-1</c> are both <c>awsroot1</c>.</summary>
    public static string NameKey(ReadOnlySpan<char> name)
    {
        var key = new StringBuilder(name.Length);
        foreach (var c in name)
        {
            if (char.IsLetterOrDigit(c))
            {
                key.Append(char.ToLowerInvariant(c));
            }
        }

        return key.ToString();
    }

    private static void Add(HashSet<string> names, ReadOnlySpan<char> name)
    {
        var key = NameKey(name);
        if (key.Length > 0)
        {
            names.Add(key);
        }
    }

    /// <summary><paramref name="text"/> with every run of white space as one space, trimmed.</summary>
    private static string Collapse(string text) =>
        string.Join(' ', text.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries));

    /// <summary>Appends <see cref="Collapse"/>(<paramref name="text"/>)'s UTF-8 piece by piece: a body of a million characters is never copied whole.</summary>
    private static void AppendCollapsed(IncrementalHash hash, string text)
    {
        const int Chunk = 4096;
        var encoder = Encoding.UTF8.GetEncoder(); // keeps a surrogate pair split between pieces whole
        var chars = new char[Chunk + 2];
        var bytes = new byte[Encoding.UTF8.GetMaxByteCount(chars.Length)];
        var count = 0;
        var started = false;
        var pendingSpace = false;
        foreach (var c in text)
        {
            if (char.IsWhiteSpace(c))
            {
                pendingSpace = started;
                continue;
            }

            if (pendingSpace)
            {
                chars[count++] = ' ';
                pendingSpace = false;
            }

            chars[count++] = c;
            started = true;
            if (count >= Chunk)
            {
                hash.AppendData(bytes, 0, encoder.GetBytes(chars, 0, count, bytes, 0, flush: false));
                count = 0;
            }
        }

        hash.AppendData(bytes, 0, encoder.GetBytes(chars, 0, count, bytes, 0, flush: true));
    }
}
