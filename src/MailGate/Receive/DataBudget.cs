namespace MailGate.Receive;

/// <summary>
/// The bytes of DATA that all SMTP sessions together may hold in memory at once (<see cref="SmtpOptions.MaxDataInFlight"/>).
/// SmtpServer hands the store each message whole, so every session holds its DATA until its 250 is decided; without
/// this bound, <see cref="SmtpOptions.MaxConnections"/> senders of <see cref="SmtpOptions.MaxMessageSize"/> messages could
/// hold 2.5 GB by default and get the process killed for memory. A message that would go over it is read to its end
/// without being kept and gets <c>452 4.3.1</c>: its sender retries, as for a full disk.
/// </summary>
/// <remarks>
/// The last <see cref="Reserve"/> bytes are kept for small messages (up to <see cref="SmallMessage"/>): a sender who holds
/// the budget with large messages it trickles in (each read resets the idle timeout) cannot starve the small ones, and
/// AWS's notices are a few KB. Filling the reserve too takes about <see cref="Reserve"/> / <see cref="SmallMessage"/>
/// connections, i.e. several client networks, as filling <see cref="SmtpOptions.MaxConnections"/> does.
/// </remarks>
/// <param name="limit">The most bytes held at once (counted as the message's size, transparency dots removed).</param>
internal sealed class DataBudget(long limit)
{
    /// <summary>The largest message that may use <see cref="Reserve"/>: 1 MiB.</summary>
    public const long SmallMessage = 1024 * 1024;

    /// <summary>The part of the limit only small messages may use: a quarter of it, at most 16 MiB.</summary>
    public long Reserve { get; } = Math.Min(limit / 4, 16L * 1024 * 1024);

    private long _held;

    /// <summary>The most bytes held at once.</summary>
    public long Limit => limit;

    /// <summary>The smallest limit under which one message of <paramref name="maxMessageSize"/> bytes still fits (a large one may not use <see cref="Reserve"/>).</summary>
    public static long SmallestLimitFor(long maxMessageSize)
    {
        if (maxMessageSize <= SmallMessage)
        {
            return maxMessageSize;
        }

        var quarterKept = (4 * (maxMessageSize - 1) / 3) + 1; // the smallest limit with limit − limit/4 ≥ the message
        return quarterKept / 4 <= 16L * 1024 * 1024 ? quarterKept : maxMessageSize + (16L * 1024 * 1024);
    }

    /// <summary>The bytes held now.</summary>
    public long Held => Interlocked.Read(ref _held);

    /// <summary>Test hook: raised after each successful <see cref="TryTake"/> with the bytes then held.</summary>
    public event Action<long>? Taken;

    /// <summary>
    /// Takes <paramref name="bytes"/> (≥ 0) for a message that has <paramref name="messageBytes"/> so far, unless that
    /// would hold more than <see cref="Limit"/>, or, for a message larger than <see cref="SmallMessage"/>, more than
    /// <see cref="Limit"/> − <see cref="Reserve"/>.
    /// </summary>
    public bool TryTake(long bytes, long messageBytes = 0)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(bytes);
        var ceiling = messageBytes > SmallMessage ? limit - Reserve : limit;
        long held, now;
        do
        {
            held = Interlocked.Read(ref _held);
            now = held + bytes;
            if (now > ceiling)
            {
                return false;
            }
        }
        while (Interlocked.CompareExchange(ref _held, now, held) != held);

        Taken?.Invoke(now);
        return true;
    }

    /// <summary>Gives back <paramref name="bytes"/> taken before.</summary>
    public void Give(long bytes)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(bytes);
        Interlocked.Add(ref _held, -bytes);
    }
}
