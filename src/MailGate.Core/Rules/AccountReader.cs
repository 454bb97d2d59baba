using System.Text.RegularExpressions;
using YamlDotNet.RepresentationModel;

namespace MailGate.Rules;

/// <summary>Reads the optional <c>accounts:</c> mapping: <c>address-or-list-id: { id, name, owner }</c>.</summary>
internal static partial class AccountReader
{
    public static AccountMap Read(ParseContext context, YamlNode node)
    {
        var mapping = context.Mapping(node, "'accounts'");
        if (mapping is null)
        {
            return AccountMap.Empty;
        }

        var accounts = new Dictionary<string, AccountInfo>(StringComparer.OrdinalIgnoreCase);
        foreach (var (keyNode, valueNode) in mapping.Children)
        {
            var key = context.Key(keyNode)?.Trim();
            if (key is null)
            {
                continue;
            }

            if (accounts.ContainsKey(key))
            {
                context.Error(keyNode, $"account '{key}' is listed twice");
                continue;
            }

            if (ReadAccount(context, key, valueNode) is { } account)
            {
                accounts[key] = account;
            }
        }

        return new AccountMap(accounts);
    }

    private static AccountInfo? ReadAccount(ParseContext context, string key, YamlNode node)
    {
        var mapping = context.Mapping(node, $"account '{key}'");
        if (mapping is null)
        {
            return null;
        }

        string? id = null;
        var name = "";
        var owner = "";
        foreach (var (keyNode, valueNode) in mapping.Children)
        {
            switch (context.Key(keyNode))
            {
                case null:
                    break;
                case "id":
                    id = context.Scalar(valueNode, $"account '{key}': 'id'")?.Trim();
                    if (id is not null && !TwelveDigits().IsMatch(id))
                    {
                        context.Error(valueNode, $"account '{key}': id '{id}' is not a 12-digit AWS account id");
                        id = null;
                    }

                    break;
                case "name":
                    name = context.Scalar(valueNode, $"account '{key}': 'name'")?.Trim() ?? "";
                    break;
                case "owner":
                    owner = context.Scalar(valueNode, $"account '{key}': 'owner'")?.Trim() ?? "";
                    break;
                case var other:
                    context.Error(keyNode, $"account '{key}': unknown key '{other}' (expected: id, name, owner)");
                    break;
            }
        }

        if (id is null)
        {
            context.Error(node, $"account '{key}' needs 'id' (its 12-digit AWS account id)");
            return null;
        }

        return new AccountInfo(id, name, owner);
    }

    [GeneratedRegex("^[0-9]{12}$")]
    private static partial Regex TwelveDigits();
}
