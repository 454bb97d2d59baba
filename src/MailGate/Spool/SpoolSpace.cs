using Microsoft.Extensions.Options;

namespace MailGate.Spool;

/// <summary>Whether the spool's disk has room for new mail (<see cref="SpoolOptions.MinFreeBytes"/>).</summary>
internal sealed class SpoolSpace(SpoolStore spool, IOptions<SpoolOptions> options)
{
    /// <summary>True when free space is at or above the floor.</summary>
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
