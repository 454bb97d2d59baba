using MailGate.Core.Parse;
using System.Text.RegularExpressions;
using YamlDotNet.RepresentationModel;

namespace MailGate.Core.Rules;

/// <summary>Reads the optional <c>accounts:</c> mapping: <c>address-or-list-id: { id, name, owner }</c>.</summary>
internal static partial class AccountReader
{
    /// <summary>The accounts: any address or list id, trimmed, compared ignoring case.</summary>
    private static readonly MappingSchema<Dictionary<string, AccountInfo>> Accounts = new()
    {
        Resolve = _ => ReadAccount,
        TrimKeys = true,
        Comparer = StringComparer.OrdinalIgnoreCase,
        Duplicate = (_, key, _) => $"account '{key}' is listed twice",
    };

    private static readonly MappingSchema<AccountDraft> Account = new(
        new SchemaKey<AccountDraft>("id", ReadId),
        new SchemaKey<AccountDraft>("name", ReadText((account, text) => account.Name = text)),
        new SchemaKey<AccountDraft>("owner", ReadText((account, text) => account.Owner = text)))
    {
        Unknown = (account, key, names) => $"account '{account.Key}': unknown key '{key}' (expected: {names})",
        InFileOrder = true,
    };

    public static AccountMap Read(ParseContext context, YamlNode node)
    {
        var mapping = context.Mapping(node, "'accounts'");
        if (mapping is null)
        {
            return AccountMap.Empty;
        }

        var accounts = new Dictionary<string, AccountInfo>(StringComparer.OrdinalIgnoreCase);
        Accounts.Read(context, mapping, accounts);
        return new AccountMap(accounts);
    }

    private static bool ReadAccount(ParseContext context, MappingEntry entry, Dictionary<string, AccountInfo> accounts)
    {
        var mapping = context.Mapping(entry.Value, $"account '{entry.Text}'");
        if (mapping is null)
        {
            return false;
        }

        var account = new AccountDraft(entry.Text);
        Account.Read(context, mapping, account);

        // Required, and valid: an id that is not 12 digits is also reported as missing, as ever.
        if (account.Id is null)
        {
            context.Error(mapping, $"account '{entry.Text}' needs 'id' (its 12-digit AWS account id)");
            return false;
        }

        accounts[entry.Text] = new AccountInfo(account.Id, account.Name, account.Owner);
        return true;
    }

    private static bool ReadId(ParseContext context, MappingEntry entry, AccountDraft account)
    {
        account.Id = context.Scalar(entry.Value, $"account '{account.Key}': 'id'")?.Trim();
        if (account.Id is not null && !TwelveDigits().IsMatch(account.Id))
        {
            context.Error(entry.Value, $"account '{account.Key}': id '{account.Id}' is not a 12-digit AWS account id");
            account.Id = null;
        }

        return account.Id is not null;
    }

    /// <summary>A reader of a free-text key, kept with <paramref name="set"/> (empty when it is not text).</summary>
    private static KeyReader<AccountDraft> ReadText(Action<AccountDraft, string> set) => (context, entry, account) =>
    {
        var text = context.Scalar(entry.Value, $"account '{account.Key}': '{entry.Text}'")?.Trim();
        set(account, text ?? "");
        return text is not null;
    };

    [GeneratedRegex("^[0-9]{12}$")]
    private static partial Regex TwelveDigits();

    /// <summary>One account while it is read.</summary>
    private sealed class AccountDraft(string key)
    {
        /// <summary>The address or list id it is listed under.</summary>
        public string Key { get; } = key;

        public string? Id { get; set; }

        public string Name { get; set; } = "";

        public string Owner { get; set; } = "";
    }
}
