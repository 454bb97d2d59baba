using MailGate.Core.Storage;
using MailGate.Deliver;
using MailGate.Tests.Support;

namespace MailGate.Tests.Deliver;

/// <summary>The claim fence (<see cref="PagerDutyDelivery.ClaimCheck"/>): nothing is sent unless the claim is confirmed right before the request.</summary>
public sealed partial class PagerDutyDeliveryTests
{
    [Test]
    public async Task Deliver_ClaimNotConfirmed_NothingSent_RetriedAfterTheBackoff_ThenSentOnce()
    {
        using var handler = new ScriptedHandler(ScriptedHandler.Status(202));
        var logger = new CollectingLogger<PagerDutyDelivery>();
        using var sut = CreateSut(handler, logger);
        var checks = 0;
        var progress = new List<DeliveryRecord>();

        var task = sut.DeliverAsync(
            Message(Start),
            Record(),
            DeliveryClock.Now(_clock),
            (r, _) =>
            {
                progress.Add(r);
                return ValueTask.CompletedTask;
            },
            CancellationToken.None,
            () => ++checks > 2); // the storage is unreachable for the first two checks
        var result = await _time.RunAsync(task);

        Assert.That(checks, Is.EqualTo(3));
        Assert.That(handler.Bodies, Has.Count.EqualTo(1), "no request while the claim could not be confirmed");
        Assert.That(result.Status, Is.EqualTo(DeliveryStatus.Delivered));
        Assert.That(result.Attempts, Is.EqualTo(1), "only requests really sent count as attempts");
        Assert.That(progress.Select(p => p.LastError), Has.All.Contains("the claim on the message cannot be confirmed"));
        Assert.That(RetryDelays(logger), Has.Length.EqualTo(2));
    }

    [Test]
    public void Deliver_ClaimLost_NothingSent_TheDeliveryIsCancelled()
    {
        using var handler = new ScriptedHandler(ScriptedHandler.Status(202));
        using var sut = CreateSut(handler, new CollectingLogger<PagerDutyDelivery>());
        using var dropped = new CancellationTokenSource();

        // A lost claim: the check drops the message (here: cancels its token, as MessageWork.Drop does) and says no.
        var task = sut.DeliverAsync(Message(Start), Record(), DeliveryClock.Now(_clock), (_, _) => ValueTask.CompletedTask, dropped.Token, () =>
        {
            dropped.Cancel();
            return false;
        });

        Assert.That(async () => await _time.RunAsync(task), Throws.InstanceOf<OperationCanceledException>());
        Assert.That(handler.Bodies, Is.Empty);
    }
}
