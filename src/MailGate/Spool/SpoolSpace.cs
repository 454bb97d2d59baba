using MailGate.Core.Spool;
using MailGate.Core.Storage;
using Microsoft.Extensions.Options;

namespace MailGate.Spool;

/// <summary>
/// Whether the spool's disk has room for new mail (<see cref="SpoolOptions.MinFreeBytes"/>): asked at
/// every MAIL FROM and end of DATA (below the floor the answer is <c>452 4.3.1</c>) and by <c>/readyz</c>.
/// </summary>
public sealed class SpoolSpace(IStorageHealth spool, IOptions<SpoolOptions> options)
{
    /// <summary>The floor, in bytes (<see cref="SpoolOptions.MinFreeBytes"/>).</summary>
    public long MinFreeBytes => options.Value.MinFreeBytes;

    /// <summary>True when free space is at or above the floor; <paramref name="freeBytes"/> is the free space (0 when it cannot be read).</summary>
    public bool HasRoom(out long freeBytes)
    {
        try
        {
            freeBytes = spool.AvailableBytes();
        }
        catch (IOException)
        {
            freeBytes = 0;
            return false;
        }

        return freeBytes >= options.Value.MinFreeBytes;
    }
}
