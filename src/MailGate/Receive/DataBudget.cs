namespace MailGate.Receive;

/// <summary>
/// The bytes of DATA that all SMTP sessions together may hold in memory at once (<see cref="SmtpOptions.MaxDataInFlight"/>).
/// SmtpServer hands the store each message whole, so every session holds its DATA until its 250 is decided; without
/// this bound, <see cref="SmtpOptions.MaxConnections"/> senders of <see cref="SmtpOptions.MaxMessageSize"/> messages could
/// hold 2.5 GB by default and get the process killed for memory. A message that would go over it is read to its end
/// without being kept and gets <c>452 4.3.1</c>: its sender retries, as for a full disk.
/// </summary>
/// <param name="limit">The most bytes held at once (counted as the message's size, transparency dots removed).</param>
internal sealed class DataBudget(long limit)
{
    private long _held;

    /// <summary>The most bytes held at once.</summary>
    public long Limit => limit;

    /// <summary>The bytes held now.</summary>
    public long Held => Interlocked.Read(ref _held);

    /// <summary>Test hook: raised after each successful <see cref="TryTake"/> with the bytes then held.</summary>
    public event Action<long>? Taken;

    /// <summary>Takes <paramref name="bytes"/> (≥ 0) unless that would hold more than <see cref="Limit"/>.</summary>
    public bool TryTake(long bytes)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(bytes);
        long held, now;
        do
        {
            held = Interlocked.Read(ref _held);
            now = held + bytes;
            if (now > limit)
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
