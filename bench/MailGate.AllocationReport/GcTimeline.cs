using System.Globalization;
using Microsoft.Diagnostics.Tracing;

namespace MailGate.AllocationReport;

/// <summary>
/// One line per garbage collection: when (ms into the trace), which generation and why, and the size of each
/// generation after it (MiB); then the heap count and the gen-0 budget the GC chose (<c>GCGlobalHeapHistory</c>).
/// </summary>
internal static class GcTimeline
{
    private const double MiB = 1024 * 1024;

    /// <summary>Prints the timeline, then the number of collections and the largest sum of generations seen.</summary>
    public static void Print(string path, TextWriter output)
    {
        using var source = new EventPipeEventSource(path);
        var started = "";
        var collections = 0;
        var largest = 0.0;
        source.Clr.GCStart += e => started = string.Create(CultureInfo.InvariantCulture, $"{e.TimeStampRelativeMSec,9:F0} ms  gc#{e.Count} gen{e.Depth} {e.Reason}");
        source.Clr.GCHeapStats += e =>
        {
            collections++;
            var sum = (e.GenerationSize0 + e.GenerationSize1 + e.GenerationSize2 + e.GenerationSize3 + e.GenerationSize4) / MiB;
            largest = Math.Max(largest, sum);
            output.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"{started}  gen0 {e.GenerationSize0 / MiB:F1}  gen1 {e.GenerationSize1 / MiB:F1}  gen2 {e.GenerationSize2 / MiB:F1}  loh {e.GenerationSize3 / MiB:F1}  poh {e.GenerationSize4 / MiB:F1}  (sum {sum:F1})"));
        };
        source.Clr.GCGlobalHeapHistory += e => output.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"           heaps {e.NumHeaps}, gen-0 budget {e.FinalYoungestDesired / MiB:F1} MiB"));
        source.Process();
        output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{collections} collections; largest sum of generations after one: {largest:F1} MiB"));
    }
}
