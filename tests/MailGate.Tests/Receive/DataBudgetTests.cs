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

        var results = takes.Select(budget.TryTake).ToArray();

        Assert.That((results, budget.Held), Is.EqualTo((expected, held)));
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
