using System.Text.Json;

namespace MailGate.Tests.Support.Aws;

/// <summary>
/// AWS Organizations in <see cref="FakeAws"/>: <c>ListAccounts</c> (JSON 1.1, PascalCase members as
/// Organizations spells them, <see cref="AccountsPageSize"/> accounts a page), signed with the base credentials.
/// </summary>
public sealed class FakeOrganizations : IFakeAwsJsonService
{
    private const string OrganizationId = "o-exampleorgid";

    private readonly TimeProvider _time;
    private readonly Lock _lock = new();
    private readonly List<FakeAccount> _accounts = [];

    internal FakeOrganizations(TimeProvider time) => _time = time;

    /// <summary>Accounts per ListAccounts page (AWS allows up to 20).</summary>
    public int AccountsPageSize { get; set; } = 2;

    string IFakeAwsJsonService.TargetPrefix => "AWSOrganizationsV20161128";

    string IFakeAwsJsonService.SigningName => "organizations";

    bool IFakeAwsJsonService.SignedByMember => false;

    /// <summary>Adds an account to the Organization (status ACTIVE, SUSPENDED or PENDING_CLOSURE).</summary>
    public void AddAccount(string id, string name, string email, string status = "ACTIVE")
    {
        lock (_lock)
        {
            _accounts.Add(new FakeAccount(id, name, email, status, _time.GetUtcNow().AddDays(-30 - _accounts.Count)));
        }
    }

    FakeAwsAnswer IFakeAwsJsonService.Answer(FakeAwsRequest request, string operation, JsonElement input) => operation switch
    {
        "ListAccounts" => ListAccounts(request, input),
        _ => FakeAwsAnswer.JsonError(request, 400, "UnknownOperationException", null),
    };

    FakeAwsAnswer IFakeAwsJsonService.Fault(FakeAwsRequest request, FakeAwsFault fault) => fault switch
    {
        FakeAwsFault.Throttling => FakeAwsAnswer.JsonError(request, 400, "TooManyRequestsException",
            "AWS Organizations can't complete your request because another request is already in progress. Try again later.", capitalMessage: true),
        _ => FakeAwsAnswer.JsonError(request, 500, "ServiceException",
            "AWS Organizations can't complete your request because of an internal service error. Try again later.", capitalMessage: true),
    };

    private FakeAwsAnswer ListAccounts(FakeAwsRequest request, JsonElement input)
    {
        var offset = 0;
        if (FakeAwsAnswer.Text(input, "NextToken") is { } token)
        {
            request = request with { NextToken = token };
            if (FakeAwsAnswer.PageOffset(token, "accounts") is not { } parsed)
            {
                return FakeAwsAnswer.JsonError(request, 400, "InvalidInputException", "You provided a value that does not match the required pattern.", capitalMessage: true);
            }

            offset = parsed;
        }

        List<FakeAccount> page;
        string? next;
        lock (_lock)
        {
            page = _accounts.Skip(offset).Take(AccountsPageSize).ToList();
            next = offset + page.Count < _accounts.Count ? FakeAwsAnswer.PageToken("accounts", offset + page.Count) : null;
        }

        return FakeAwsAnswer.Json(request, writer =>
        {
            writer.WriteStartObject();
            writer.WriteStartArray("Accounts");
            foreach (var account in page)
            {
                writer.WriteStartObject();
                writer.WriteString("Id", account.Id);
                writer.WriteString("Arn", $"arn:aws:organizations::{FakeAws.ManagementAccountId}:account/{OrganizationId}/{account.Id}");
                writer.WriteString("Email", account.Email);
                writer.WriteString("Name", account.Name);
                writer.WriteString("Status", account.Status);
                writer.WriteString("JoinedMethod", account.Id == FakeAws.ManagementAccountId ? "CREATED" : "INVITED");
                writer.WriteNumber("JoinedTimestamp", account.Joined.ToUnixTimeMilliseconds() / 1000.0);
                writer.WriteEndObject();
            }

            writer.WriteEndArray();
            if (next is not null)
            {
                writer.WriteString("NextToken", next);
            }

            writer.WriteEndObject();
        });
    }

    private sealed record FakeAccount(string Id, string Name, string Email, string Status, DateTimeOffset Joined);
}
