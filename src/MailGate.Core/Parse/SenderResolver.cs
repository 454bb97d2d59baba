using MimeKit;

namespace MailGate.Parse;

/// <summary>
/// Finds the original author of a message behind Google Groups' <c>From:</c> rewriting.
/// </summary>
/// <remarks>
/// When the author's domain publishes a strict DMARC policy (amazon.com and amazonaws.com do), a Google
/// Group rewrites <c>From:</c> to <c>"'Name' via Group" &lt;group@domain&gt;</c> and keeps the author in
/// <c>X-Original-From</c>, <c>X-Original-Sender</c> and <c>Reply-To</c>. A message counts as rewritten
/// when it carries list headers (<c>List-Id</c> or <c>X-Google-Group-Id</c>) and its From is a group's
/// own address (the List-Id with its first dot read as <c>@</c>, or the List-Post address) or is
/// displayed as "… via …". Then the author is the first address that is not a group's, looking at
/// <c>X-Original-From</c>, then <c>X-Original-Sender</c>, then <c>Reply-To</c>; for each header the
/// bottom-most occurrence (added first, by the innermost group) is read first, so that nested groups
/// resolve to the author rather than to the inner group.
/// </remarks>
public static class SenderResolver
{
    private static readonly string[] OriginalAuthorHeaders = ["X-Original-From", "X-Original-Sender", "Reply-To"];

    /// <summary>The original author's address, or the From address when the message was not rewritten; empty when there is none.</summary>
    public static string Resolve(HeaderList headers)
    {
        ArgumentNullException.ThrowIfNull(headers);
        var from = FirstMailbox(headers, "From");
        var fromAddress = from?.Address ?? "";
        var isList = headers.Contains("List-Id") || headers.Contains("X-Google-Group-Id");
        var groups = GroupAddresses(headers);
        var rewritten = from is null || (isList && IsGroup(from, groups));
        if (!rewritten)
        {
            return fromAddress;
        }

        foreach (var name in OriginalAuthorHeaders)
        {
            for (var i = headers.Count - 1; i >= 0; i--)
            {
                var header = headers[i];
                if (!header.Field.Equals(name, StringComparison.OrdinalIgnoreCase))
                {
                    continue;
                }

                foreach (var mailbox in Mailboxes(header.Value))
                {
                    if (!IsGroup(mailbox, groups))
                    {
                        return mailbox.Address;
                    }
                }
            }
        }

        return fromAddress.Length > 0 ? fromAddress : FirstMailbox(headers, "Sender")?.Address ?? "";
    }

    private static bool IsGroup(MailboxAddress mailbox, HashSet<string> groups) =>
        groups.Contains(mailbox.Address)
        || (mailbox.Name?.Contains(" via ", StringComparison.OrdinalIgnoreCase) ?? false);

    /// <summary>The addresses of every group the message passed: from each List-Id and List-Post.</summary>
    private static HashSet<string> GroupAddresses(HeaderList headers)
    {
        var groups = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        foreach (var header in headers)
        {
            if (header.Field.Equals("List-Id", StringComparison.OrdinalIgnoreCase))
            {
                var id = ListIds.Identifier(header.Value);
                var dot = id.IndexOf('.', StringComparison.Ordinal);
                if (dot > 0)
                {
                    groups.Add(string.Concat(id.AsSpan(0, dot), "@", id.AsSpan(dot + 1)));
                }
            }
            else if (header.Field.Equals("List-Post", StringComparison.OrdinalIgnoreCase))
            {
                var value = header.Value;
                var start = value.IndexOf("mailto:", StringComparison.OrdinalIgnoreCase);
                if (start >= 0)
                {
                    var end = value.IndexOfAny(['>', '?', ','], start);
                    groups.Add(value[(start + 7)..(end < 0 ? value.Length : end)].Trim());
                }
            }
        }

        return groups;
    }

    private static MailboxAddress? FirstMailbox(HeaderList headers, string name)
    {
        var index = headers.IndexOf(name);
        return index < 0 ? null : Mailboxes(headers[index].Value).FirstOrDefault();
    }

    private static IEnumerable<MailboxAddress> Mailboxes(string value) =>
        InternetAddressList.TryParse(value, out var list)
            ? list.Mailboxes.Where(m => m.Address.Contains('@', StringComparison.Ordinal))
            : [];
}
