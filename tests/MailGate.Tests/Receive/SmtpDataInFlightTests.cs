using MailGate.Receive;
using MailGate.Tests.Support;
using Microsoft.Extensions.DependencyInjection;

namespace MailGate.Tests.Receive;

/// <summary>
/// All sessions together hold at most <c>Smtp:MaxDataInFlight</c> bytes of DATA: a message that would go over it is
/// read to its end and refused with a temporary <c>452 4.3.1</c>, and the budget comes back once a held message is
/// answered, so the sender's retry is accepted.
/// </summary>
[TestFixture]
public sealed class SmtpDataInFlightTests : GatewayTestBase
{
    private const int Limit = 65_536;

    protected override string[] Settings => [$"--Smtp:MaxMessageSize={Limit}", $"--Smtp:MaxDataInFlight={Limit}", "--Smtp:MaxHeaderSize=8192"];

    [Test]
    public async Task SecondMessage_WhileTheFirstHoldsTheBudget_Gets452_ThenItsRetryGets250()
    {
        var budget = Gateway.Services.GetRequiredService<DataBudget>();
        var first = RawSmtpDialog.MessageOfSize(40_000);
        var holding = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        budget.Taken += held =>
        {
            if (held >= 39_000)
            {
                holding.TrySetResult();
            }
        };
        var slow = await RawSmtpDialog.ConnectAsync(Gateway);
        await using var _ = slow;
        await slow.BeginDataAsync();
        await slow.SendRawAsync(System.Text.Encoding.Latin1.GetBytes(first)); // the message, not yet its end
        await holding.Task.WaitAsync(TimeSpan.FromSeconds(30));

        var refused = await RawSmtpDialog.SendMessageAsync(Gateway, RawSmtpDialog.MessageOfSize(30_000));
        var firstReply = await slow.EndDataAsync("");
        var retried = await RawSmtpDialog.SendMessageAsync(Gateway, RawSmtpDialog.MessageOfSize(30_000));

        Assert.That(refused, Is.EqualTo("452 4.3.1 Insufficient system resources, try again later"));
        Assert.That(firstReply, Does.StartWith("250 2.0.0"));
        Assert.That(retried, Does.StartWith("250 2.0.0"));
        Assert.That(budget.Held, Is.Zero, "every answered message gave its bytes back");
    }

    [Test]
    public async Task ClientGoneInTheMiddleOfData_GivesItsBytesBack()
    {
        var budget = Gateway.Services.GetRequiredService<DataBudget>();
        var holding = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        budget.Taken += held =>
        {
            if (held >= 50_000)
            {
                holding.TrySetResult();
            }
        };
        var gone = await RawSmtpDialog.ConnectAsync(Gateway);
        await gone.BeginDataAsync();
        await gone.SendRawAsync(System.Text.Encoding.Latin1.GetBytes(RawSmtpDialog.MessageOfSize(60_000)));
        await holding.Task.WaitAsync(TimeSpan.FromSeconds(30));

        await gone.DisposeAsync();
        var next = await RawSmtpDialog.SendMessageAsync(Gateway, RawSmtpDialog.MessageOfSize(60_000));

        Assert.That(next, Does.StartWith("250 2.0.0"), "the vanished client's 50+ KB no longer count");
    }
}
