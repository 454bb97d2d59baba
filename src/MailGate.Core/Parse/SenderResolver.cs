using MimeKit;

namespace MailGate.Core.Parse;

/// <summary>
/// Finds the original author of a message behind Google Groups' <c>From:</c> rewriting.
/// </summary>
/// <remarks>
/// <para>
/// When the author's domain publishes a strict DMARC policy (amazon.com and amazonaws.com do), a Google
/// Group rewrites <c>From:</c> to <c>"'Name' via Group" &lt;group@domain&gt;</c> and keeps the author in
/// <c>X-Original-From</c>, <c>X-Original-Sender</c> and <c>Reply-To</c>. A message counts as rewritten
/// when it carries list headers (<c>List-Id</c> or <c>X-Google-Group-Id</c>) and its From is a group's
/// address or is displayed as "… via …". Then the author is the first address that is not a group's,
/// looking at <c>X-Original-From</c>, then <c>X-Original-Sender</c>, then <c>Reply-To</c>.
/// </para>
/// <para>
/// A group's address is known from each <c>List-Id</c> (its first dot read as <c>@</c>), <c>List-Post</c>
/// mailto, <c>Mailing-list</c>, <c>X-Spam-Checked-In-Group</c>, and from any address in From or the
/// author headers displayed as "… via …". The last matters for nested groups: when a second group
/// rewrites again, its <c>X-Original-*</c> name the first group, possibly with the first group's list
/// headers gone.
/// </para>
/// <para>
/// Groups append their headers below the ones already there, so each author header is read from the
/// bottom up: the nearest group's copy first, an author's own (forgeable) copy higher up last.
/// Without list headers the From address is the author, whatever <c>X-Original-*</c> say; without
/// From, the <c>Sender</c> address.
/// </para>
/// </remarks>
public static class SenderResolver
{
    internal static readonly string[] OriginalAuthorHeaders = ["X-Original-From", "X-Original-Sender", "Reply-To"];

    /// <summary>The original author's address, or the From address when the message was not rewritten; empty when there is none.</summary>
    public static string Resolve(HeaderList headers)
    {
        ArgumentNullException.ThrowIfNull(headers);
        var from = FirstMailbox(headers, "From");
        var isList = headers.Contains("List-Id") || headers.Contains("X-Google-Group-Id");
        var groups = GroupAddresses(headers);
        if (isList && (from is null || groups.Contains(from.Address)))
        {
            foreach (var name in OriginalAuthorHeaders)
            {
                for (var i = headers.Count - 1; i >= 0; i--)
                {
                    if (headers[i].Field.Equals(name, StringComparison.OrdinalIgnoreCase)
                        && Mailboxes(headers[i]).FirstOrDefault(m => !groups.Contains(m.Address)) is { } author)
                    {
                        return author.Address;
                    }
                }
            }
        }

        return from?.Address ?? FirstMailbox(headers, "Sender")?.Address ?? "";
    }

    private static bool IsViaName(MailboxAddress mailbox) =>
        mailbox.Name?.Contains(" via ", StringComparison.OrdinalIgnoreCase) ?? false;

    /// <summary>The addresses of every group the message passed.</summary>
    internal static HashSet<string> GroupAddresses(HeaderList headers)
    {
        var groups = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        foreach (var header in headers)
        {
            var field = header.Field;
            if (field.Equals("List-Id", StringComparison.OrdinalIgnoreCase))
            {
                var id = ListIds.Identifier(header.Value);
                var dot = id.IndexOf('.', StringComparison.Ordinal);
                if (dot > 0)
                {
                    groups.Add(string.Concat(id.AsSpan(0, dot), "@", id.AsSpan(dot + 1)));
                }
            }
            else if (field.Equals("List-Post", StringComparison.OrdinalIgnoreCase))
            {
                AddAfter(groups, header.Value, "mailto:");
            }
            else if (field.Equals("Mailing-list", StringComparison.OrdinalIgnoreCase))
            {
                // "list group@domain; contact group+owners@domain"
                AddAfter(groups, header.Value, "list ");
            }
            else if (field.Equals("X-Spam-Checked-In-Group", StringComparison.OrdinalIgnoreCase))
            {
                AddAfter(groups, header.Value, "");
            }
            else if (field.Equals("From", StringComparison.OrdinalIgnoreCase)
                || OriginalAuthorHeaders.Contains(field, StringComparer.OrdinalIgnoreCase))
            {
                groups.UnionWith(Mailboxes(header).Where(IsViaName).Select(m => m.Address));
            }
        }

        return groups;
    }

    /// <summary>Adds the address that follows <paramref name="prefix"/> in <paramref name="value"/>, up to the next delimiter.</summary>
    private static void AddAfter(HashSet<string> groups, string value, string prefix)
    {
        var start = value.IndexOf(prefix, StringComparison.OrdinalIgnoreCase);
        if (start < 0)
        {
            return;
        }

        start += prefix.Length;
        var end = value.IndexOfAny(['>', '?', ',', ';'], start);
        var address = value[start..(end < 0 ? value.Length : end)].Trim();
        if (address.Contains('@', StringComparison.Ordinal))
        {
            groups.Add(address);
        }
    }

    private static MailboxAddress? FirstMailbox(HeaderList headers, string name)
    {
        var index = headers.IndexOf(name);
        return index < 0 ? null : Mailboxes(headers[index]).FirstOrDefault();
    }

    /// <summary>The mailboxes of an address header, parsed from its raw bytes so that an encoded display name cannot pose as an address.</summary>
    private static IEnumerable<MailboxAddress> Mailboxes(Header header) =>
        InternetAddressList.TryParse(ParserOptions.Default, header.RawValue, out var list)
            ? list.Mailboxes.Where(m => m.Address.Contains('@', StringComparison.Ordinal))
            : [];
}
