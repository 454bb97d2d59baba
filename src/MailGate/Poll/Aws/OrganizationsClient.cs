using System.Text.Json;
using Microsoft.Extensions.Options;

namespace MailGate.Poll.Aws;

/// <summary>AWS Organizations, called with the base (management-account) credentials.</summary>
internal sealed class OrganizationsClient(AwsJsonClient json, BaseCredentials credentials, IOptions<AwsOptions> options)
{
    private const string Target = "AWSOrganizationsV20161128.ListAccounts";

    /// <summary>
    /// Every account of the Organization that is active, following <c>NextToken</c> to the last page.
    /// Suspended accounts, accounts pending closure and the like are left out.
    /// </summary>
    /// <exception cref="AwsException">A page could not be read, or the pages never end (<see cref="AwsOperation.ListAccounts"/>).</exception>
    public async Task<IReadOnlyList<AwsAccount>> ListActiveAccountsAsync(CancellationToken cancellationToken)
    {
        var call = new AwsJsonCall(AwsOperation.ListAccounts, null, options.Value.OrganizationsEndpoint, "organizations", Target);
        var accounts = new List<AwsAccount>();
        var tokens = new PageTokens(AwsOperation.ListAccounts, null);
        string? nextToken = null;
        do
        {
            var page = await json.CallAsync(call, Body(nextToken), t => credentials.GetAsync(AwsOperation.ListAccounts, null, t), cancellationToken)
                .ConfigureAwait(false);
            if (page.TryGetProperty("Accounts", out var list) && list.ValueKind == JsonValueKind.Array)
            {
                accounts.AddRange(list.EnumerateArray().Select(Account).Where(a => a.Status == "ACTIVE"));
            }

            nextToken = tokens.Next(Text(page, "NextToken"));
        }
        while (nextToken is not null);

        return accounts;
    }

    private static byte[] Body(string? nextToken)
    {
        using var buffer = new MemoryStream();
        using (var writer = new Utf8JsonWriter(buffer))
        {
            writer.WriteStartObject();
            if (nextToken is not null)
            {
                writer.WriteString("NextToken", nextToken);
            }

            writer.WriteEndObject();
        }

        return buffer.ToArray();
    }

    private static AwsAccount Account(JsonElement account) => new(
        Text(account, "Id"),
        Text(account, "Name"),
        Text(account, "Email"),
        account.TryGetProperty("State", out var state) && state.ValueKind == JsonValueKind.String ? state.GetString()! : Text(account, "Status"));

    private static string Text(JsonElement element, string name) =>
        element.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString()! : "";
}
