using MailGate.Tests.Support;

namespace MailGate.Tests.Receive;

/// <summary>
/// All sessions together hold at most <c>Smtp:MaxDataInFlight</c> bytes of DATA: a message that would go over it is
/// read to its end and refused with a temporary <c>452 4.3.1</c>, and the budget comes back once a held message is
/// answered, so the sender's retry is accepted.
/// </summary>
[TestFixture]
public sealed class SmtpDataInFlightTests : DataInFlightTestBase
{
    [Test]
    public async Task SecondMessage_WhileTheFirstHoldsTheBudget_Gets452_ThenItsRetryGets250()
    {
        var slow = await HoldAsync(40_000, 39_000); // the message, not yet its end
        await using var _ = slow;

        var refused = await RawSmtpDialog.SendMessageAsync(Gateway, RawSmtpDialog.MessageOfSize(30_000));
        var firstReply = await slow.EndDataAsync("");
        var retried = await RawSmtpDialog.SendMessageAsync(Gateway, RawSmtpDialog.MessageOfSize(30_000));

        Assert.That(refused, Is.EqualTo("452 4.3.1 Insufficient system resources, try again later"));
        Assert.That(firstReply, Does.StartWith("250 2.0.0"));
        Assert.That(retried, Does.StartWith("250 2.0.0"));
        Assert.That(Budget.Held, Is.Zero, "every answered message gave its bytes back");
    }

    [Test]
    public async Task ClientGoneInTheMiddleOfData_GivesItsBytesBack()
    {
        var gone = await HoldAsync(60_000, 50_000);

        await gone.DisposeAsync();
        var next = await RawSmtpDialog.SendMessageAsync(Gateway, RawSmtpDialog.MessageOfSize(60_000));

        Assert.That(next, Does.StartWith("250 2.0.0"), "the vanished client's 50+ KB no longer count");
    }
}
