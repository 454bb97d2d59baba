using System.Globalization;
using Microsoft.Diagnostics.Tracing;
using Microsoft.Diagnostics.Tracing.Etlx;
using Microsoft.Diagnostics.Tracing.Parsers.Clr;

namespace MailGate.AllocationReport;

/// <summary>
/// Sums the runtime's <c>GCAllocationTick</c> events (one per ~100 KB allocated on a heap, naming the type whose
/// allocation crossed the mark) by type and by call stack. A sample, not a count: a small type with a large sum is
/// one allocated between large ones; the stacks say where the bytes come from.
/// </summary>
internal static class AllocationTicks
{
    private const double MiB = 1024 * 1024;

    /// <summary>Prints the 25 heaviest types, then the <paramref name="stacks"/> heaviest (type, stack) pairs.</summary>
    public static void Print(string path, int stacks, TextWriter output)
    {
        var byType = new Dictionary<string, (long Ticks, long Bytes, long Large)>(StringComparer.Ordinal);
        var byStack = new Dictionary<string, long>(StringComparer.Ordinal);
        long total = 0;
        using var log = new TraceLog(TraceLog.CreateFromEventPipeDataFile(path));
        foreach (var tick in Ticks(log))
        {
            var type = tick.TypeName ?? "?";
            var large = tick.AllocationKind == GCAllocationKind.Large ? tick.AllocationAmount64 : 0;
            var sum = byType.GetValueOrDefault(type);
            byType[type] = (sum.Ticks + 1, sum.Bytes + tick.AllocationAmount64, sum.Large + large);
            total += tick.AllocationAmount64;
            var key = type + (large > 0 ? " [LOH]" : "") + Environment.NewLine + string.Join(Environment.NewLine, Frames(tick).Select(f => "    " + f));
            byStack[key] = byStack.GetValueOrDefault(key) + tick.AllocationAmount64;
        }

        output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"allocated (sampled): {total / MiB:F1} MiB"));
        foreach (var (type, sum) in byType.OrderByDescending(kv => kv.Value.Bytes).Take(25))
        {
            output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{sum.Bytes / MiB,8:F1} MiB  large {sum.Large / MiB,6:F1}  {sum.Ticks,6} ticks  {type}"));
        }

        foreach (var (stack, bytes) in byStack.OrderByDescending(kv => kv.Value).Take(stacks))
        {
            output.WriteLine();
            output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{bytes / MiB,8:F1} MiB  {stack}"));
        }
    }

    // TraceEvents implements only the generic enumerator (OfType would call the other one, which throws).
    private static IEnumerable<GCAllocationTickTraceData> Ticks(TraceLog log)
    {
        foreach (var e in log.Events)
        {
            if (e is GCAllocationTickTraceData tick)
            {
                yield return tick;
            }
        }
    }

    /// <summary>The tick's managed frames, innermost first, without the async and thread-pool plumbing (at most 10).</summary>
    private static IEnumerable<string> Frames(TraceEvent tick) => AllFrames(tick).Take(10);

    private static IEnumerable<string> AllFrames(TraceEvent tick)
    {
        for (var frame = tick.CallStack(); frame is not null; frame = frame.Caller)
        {
            var name = frame.CodeAddress.FullMethodName;
            if (string.IsNullOrEmpty(name) || name.StartsWith("System.Runtime.CompilerServices.", StringComparison.Ordinal)
                || name.StartsWith("System.Threading.", StringComparison.Ordinal))
            {
                continue;
            }

            yield return name.Length > 120 ? name[..120] : name;
        }
    }
}
