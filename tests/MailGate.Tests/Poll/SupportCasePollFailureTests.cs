using MailGate.Core.Spool;
using MailGate.Core.Storage;
using System.Net.Http.Json;
using System.Text.Json;
using MailGate.Poll;
using MailGate.Spool;
using MailGate.Tests.Support;
using MailGate.Tests.Support.Aws;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace MailGate.Tests.Poll;

/// <summary>
/// The support case poller when AWS or its own state fails: each account's state in <c>/readyz</c> and
/// metrics, one warning per change, the other accounts and mail unaffected.
/// </summary>
[TestFixture]
public sealed class SupportCasePollFailureTests : SupportCasePollerTestBase
{
    [Test]
    public async Task AccountWhoseRoleCannotBeAssumed_IsReported_AndTheOthersStillPage()
    {
        Aws.Sts.DenyAssumeRole(Sandbox);
        Aws.Support.SubscriptionRequired(Data);
        var prodCase = Aws.Support.AddCase(Prod, new FakeCase { TimeCreated = DateTimeOffset.UtcNow.AddMinutes(-1) });
        await StartAsync();

        await PagerDuty.WaitForAsync(r => r.Count >= 1, TimeSpan.FromSeconds(30));
        await PollsAsync(2);

        var accounts = Status.Accounts.ToDictionary(a => a.AccountId);
        Assert.Multiple(() =>
        {
            Assert.That(PagerDuty.Accepted.Single().DedupKey, Is.EqualTo($"mailgate-{Rule}-{prodCase.CaseId}"));
            Assert.That(accounts.Keys, Is.EquivalentTo(new[] { Prod, Sandbox, Data }), "ACTIVE accounts only, from every ListAccounts page");
            Assert.That(accounts[Prod].State, Is.EqualTo("ok"));
            Assert.That(accounts[Sandbox].State, Is.EqualTo("assume_role_failed"));
            Assert.That(accounts[Sandbox].LastError, Does.Contain("AccessDenied"));
            Assert.That(accounts[Data].State, Is.EqualTo("subscription_required"));
            Assert.That(accounts[Data].LastError, Does.Contain("support plan"));
        });

        using var http = new HttpClient();
        using var ready = await http.GetAsync(new Uri(Gateway!.HttpUrl, "/readyz"));
        var report = await ready.Content.ReadFromJsonAsync<JsonElement>();
        var polled = report.GetProperty("support_cases").GetProperty("accounts").EnumerateArray()
            .ToDictionary(a => a.GetProperty("account_id").GetString()!, a => a.GetProperty("state").GetString());
        Assert.That((int)ready.StatusCode, Is.EqualTo(200), "a failing account does not stop mail: still ready");
        Assert.That(polled[Sandbox], Is.EqualTo("assume_role_failed"));

        var metrics = await http.GetStringAsync(new Uri(Gateway.HttpUrl, "/metrics"));
        Assert.That(metrics, Does.Match($"mailgate_support_polls_total\\{{[^}}]*account=\"{Sandbox}\"[^}}]*result=\"assume_role_failed\""));
        Assert.That(metrics, Does.Match($"mailgate_support_last_success_seconds\\{{[^}}]*account=\"{Prod}\""), "the README's metric names");
        Assert.That(metrics, Does.Match("mailgate_support_accounts\\{[^}]*state=\"assume_role_failed\"[^}]*\\} 1"));
        Assert.That(metrics, Does.Match($"mailgate_support_cases_found_total\\{{[^}}]*account=\"{Prod}\"[^}}]*\\}} 1"));
    }

    [Test]
    public async Task FailingAccount_IsLoggedOncePerChangeOfState_NotOncePerPoll()
    {
        Aws.Sts.DenyAssumeRole(Sandbox);
        Aws.Support.SubscriptionRequired(Data);
        // The gateway's own poller polls an account outside the Organization (nothing); the poller under
        // test shares its clients, spool and status, with a logger the test reads.
        await StartAsync("--SupportCases:Accounts:0=999999999990", "--SupportCases:PollInterval=01:00:00");
        await RoundsAsync(1); // its first round, which may be over already; the next is an hour away
        var logger = new CollectingLogger<SupportCasePoller>();
        var options = Options.Create(new SupportCaseOptions { Enabled = true, PollInterval = TimeSpan.FromSeconds(1), Jitter = TimeSpan.Zero });
        using var poller = ActivatorUtilities.CreateInstance<SupportCasePoller>(Gateway!.Services, options, logger);
        await poller.StartAsync(CancellationToken.None);
        try
        {
            await PollsAsync(3);
            Aws.Sts.AllowAssumeRole(Sandbox);
            await PollsAsync(2);
        }
        finally
        {
            await poller.StopAsync(CancellationToken.None);
        }

        var failed = logger.Entries.Where(e => e.EventId == 604).Select(e => e.Message).ToArray();
        var recovered = logger.Entries.Where(e => e.EventId == 605).Select(e => e.Message).ToArray();
        Assert.Multiple(() =>
        {
            Assert.That(failed, Has.Length.EqualTo(2), string.Join("\n", failed));
            Assert.That(failed, Has.One.Contains($"account {Sandbox} (sandbox): assume_role_failed").And.Contains("AccessDenied"));
            Assert.That(failed, Has.One.Contains($"account {Data} (data-lake): subscription_required").And.Contains("support plan"));
            Assert.That(logger.Entries.Where(e => e.EventId == 604).Select(e => e.Level), Is.All.EqualTo(LogLevel.Warning));
            Assert.That(recovered, Has.Length.EqualTo(1));
            Assert.That(recovered[0], Does.Contain($"account {Sandbox} (sandbox) are polled again (was assume_role_failed)"));
        });
    }

    [Test]
    public async Task DamagedCursorOfOneAccount_IsReported_TheOthersStillPage_AndMailStillFlows()
    {
        await StartAsync();
        await PollsAsync(1);
        await Gateway!.StopAsync();
        await File.WriteAllTextAsync(Path.Combine(Gateway.SpoolPath, "support-cases", $"{Sandbox}.json"), """{"languages":{"en":null},"watched":{}}""");
        var prodCase = Aws.Support.AddCase(Prod, new FakeCase { TimeCreated = DateTimeOffset.UtcNow.AddMinutes(-1) });
        await Gateway.RestartAsync(PagerDuty, Settings());

        await PagerDuty.WaitForAsync(r => r.Count >= 1, TimeSpan.FromSeconds(30));
        await PollsAsync(2);
        var mail = await Mail.SendAsync(Gateway, Mail.Fixture("billing-statement-via-google-group.eml"));

        Assert.That(PagerDuty.Accepted.Single().DedupKey, Is.EqualTo($"mailgate-{Rule}-{prodCase.CaseId}"));
        var sandbox = Status.Accounts.Single(a => a.AccountId == Sandbox);
        Assert.That(sandbox.State, Is.EqualTo("error"));
        Assert.That(sandbox.LastError, Does.Contain("the cursor file is damaged"));
        Assert.That(await Gateway.WaitFinishedAsync(mail), Is.EqualTo(SpoolArea.Done), "the gateway keeps running");
    }

    [Test]
    public async Task NoBaseCredentials_IsReportedAsTheListingsError_AndMailStillFlows()
    {
        var none = FakeAwsCredentialSource.None;
        await StartWithAsync(services => FakeAwsCredentialSource.Register(services, none));

        await PollsAsync(2);
        var mail = await Mail.SendAsync(Gateway!, Mail.Fixture("billing-statement-via-google-group.eml"));

        using var http = new HttpClient();
        var report = await http.GetFromJsonAsync<JsonElement>(new Uri(Gateway!.HttpUrl, "/readyz"));
        var metrics = await http.GetStringAsync(new Uri(Gateway.HttpUrl, "/metrics"));
        Assert.Multiple(() =>
        {
            Assert.That(Status.AccountsError, Does.StartWith("AWS Organizations ListAccounts with the base credentials failed: NoCredentials: Failed to resolve AWS credentials"));
            Assert.That(report.GetProperty("support_cases").GetProperty("accounts_error").GetString(), Is.EqualTo(Status.AccountsError));
            Assert.That(metrics, Does.Match("mailgate_support_polls_total\\{[^}]*account=\"organizations\"[^}]*result=\"no_credentials\""));
            Assert.That(none.Resolutions, Is.GreaterThanOrEqualTo(2), "asked again each round: credentials may appear later");
            Assert.That(Aws.Requests, Is.Empty);
        });
        Assert.That(await Gateway.WaitFinishedAsync(mail), Is.EqualTo(SpoolArea.Done), "the gateway keeps running");
    }

    [Test]
    public async Task Throttling_IsRetried_AndTheCaseStillPages()
    {
        Aws.Support.AddCase(Prod, new FakeCase { TimeCreated = DateTimeOffset.UtcNow.AddMinutes(-1) });
        Aws.Throttle(3);
        await StartAsync("--SupportCases:MaxConcurrency=1");

        await PagerDuty.WaitForAsync(r => r.Count >= 1, TimeSpan.FromSeconds(30));
        await PollsAsync(1);

        Assert.That(Aws.Requests.Count(r => r.Status == 400 && r.ErrorCode is { } code && (code.Contains("Throttling", StringComparison.Ordinal) || code.Contains("TooManyRequests", StringComparison.Ordinal))), Is.EqualTo(3));
        Assert.That(Status.Accounts.Select(a => a.State), Is.All.EqualTo("ok"));
    }
}
