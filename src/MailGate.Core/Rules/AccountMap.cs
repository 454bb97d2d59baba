using MailGate.Core.Parse;

namespace MailGate.Core.Rules;

/// <summary>
/// The rules file's <c>accounts:</c> map: which AWS account a root address or group stands for.
/// Keys are addresses (<c>aws-root-123456789012@example.com</c>) or List-Ids
/// (<c>aws-root-123456789012.example.com</c>), compared without regard to case.
/// </summary>
public sealed class AccountMap
{
    private readonly Dictionary<string, AccountInfo> _byKey;
    private readonly Dictionary<string, AccountInfo> _byId;

    /// <summary>No accounts.</summary>
    public static AccountMap Empty { get; } = new(new Dictionary<string, AccountInfo>());

    internal AccountMap(IReadOnlyDictionary<string, AccountInfo> byKey)
    {
        _byKey = new Dictionary<string, AccountInfo>(byKey, StringComparer.OrdinalIgnoreCase);
        _byId = new Dictionary<string, AccountInfo>(StringComparer.Ordinal);
        foreach (var account in byKey.Values)
        {
            _byId.TryAdd(account.Id, account);
        }
    }

    /// <summary>How many addresses or List-Ids are mapped.</summary>
    public int Count => _byKey.Count;

    /// <summary>
    /// The keys that are addresses (they contain <c>@</c>; List-Id keys cannot be written to), with their accounts,
    /// in ordinal order of the address: the root addresses coverage probes (issue #15).
    /// </summary>
    public IReadOnlyList<KeyValuePair<string, AccountInfo>> Addresses =>
        [.. _byKey.Where(entry => entry.Key.Contains('@', StringComparison.Ordinal)).OrderBy(entry => entry.Key, StringComparer.OrdinalIgnoreCase)];

    /// <summary>The account mapped to <paramref name="addressOrListId"/>, if any.</summary>
    public AccountInfo? ByKey(string addressOrListId) =>
        _byKey.TryGetValue(addressOrListId.Trim(), out var account) ? account : null;

    /// <summary>The first mapped account with id <paramref name="id"/>, if any.</summary>
    public AccountInfo? ById(string id) => _byId.TryGetValue(id, out var account) ? account : null;
}
