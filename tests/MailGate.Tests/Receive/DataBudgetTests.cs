using MailGate.Receive;

namespace MailGate.Tests.Receive;

/// <summary>The shared DATA budget: takes what fits, refuses what does not (taking nothing), and gets back what was given.</summary>
[TestFixture]
public sealed class DataBudgetTests
{
    [TestCase(100, new long[] { 100 }, new[] { true }, 100)]
    [TestCase(100, new long[] { 101 }, new[] { false }, 0)]
    [TestCase(100, new long[] { 60, 41 }, new[] { true, false }, 60)]
    [TestCase(100, new long[] { 60, 40, 1 }, new[] { true, true, false }, 100)]
    [TestCase(100, new long[] { 0, 0 }, new[] { true, true }, 0)]
    public void TryTake_TakesWhatFits_AllOrNothing(long limit, long[] takes, bool[] expected, long held)
    {
        var budget = new DataBudget(limit);

        var results = takes.Select(bytes => budget.TryTake(bytes)).ToArray();

        Assert.That((results, budget.Held), Is.EqualTo((expected, held)));
    }

    /// <summary>64 MiB: the last 16 MiB are for messages up to 1 MiB, so trickled large messages cannot starve AWS's small notices.</summary>
    [TestCase(48L * 1024 * 1024, 2L * 1024 * 1024, false, TestName = "Reserve_ALargeMessage_CannotTakeTheLastQuarter")]
    [TestCase(48L * 1024 * 1024, 1024L * 1024, true, TestName = "Reserve_ASmallMessage_Can")]
    [TestCase(47L * 1024 * 1024, 2L * 1024 * 1024, true, TestName = "Reserve_ALargeMessage_UpToTheReserve")]
    [TestCase(64L * 1024 * 1024 - 100, 50_000, false, TestName = "Reserve_NotEvenASmallMessage_PastTheLimit")]
    public void TryTake_LastQuarterKeptForSmallMessages(long heldBefore, long messageBytes, bool taken)
    {
        var budget = new DataBudget(64L * 1024 * 1024);
        budget.TryTake(heldBefore);

        Assert.That(budget.TryTake(1024, messageBytes), Is.EqualTo(taken));
    }

    [TestCase(65_536, 65_536)]
    [TestCase(1024 * 1024, 1024 * 1024)]
    [TestCase(26_214_400, 34_952_533)]
    [TestCase(104_857_600, 121_634_816)]
    public void SmallestLimitFor_IsTheSmallestThatFitsOneMessageOfThatSize(long maxMessageSize, long smallest)
    {
        Assert.That(DataBudget.SmallestLimitFor(maxMessageSize), Is.EqualTo(smallest));
        var fits = new DataBudget(smallest);
        var tooSmall = new DataBudget(smallest - 1);
        Assert.That((fits.TryTake(maxMessageSize, maxMessageSize), tooSmall.TryTake(maxMessageSize, maxMessageSize)), Is.EqualTo((true, false)));
    }

    [Test]
    public void Given_Back_MakesRoomAgain()
    {
        var budget = new DataBudget(100);
        budget.TryTake(100);

        budget.Give(30);

        Assert.That((budget.TryTake(31), budget.TryTake(30), budget.Held), Is.EqualTo((false, true, 100L)));
    }

    [Test]
    public void ManyTakersAtOnce_NeverHoldMoreThanTheLimit()
    {
        var budget = new DataBudget(1000);
        var taken = 0L;

        Parallel.For(0, 10_000, _ =>
        {
            if (budget.TryTake(7))
            {
                Interlocked.Add(ref taken, 7);
            }
        });

        Assert.That((budget.Held, taken), Is.EqualTo((994L, 994L)));
    }
}
