using System.Globalization;
using MailGate.AllocationReport;

// Usage: MailGate.AllocationReport <trace.nettrace> [allocations [N] | gc]
// The trace: `dotnet-trace collect -p <pid> --profile gc-verbose` (bench/lib/mem_probe.sh does it with MEM_TRACE=dir).
if (args.Length == 0 || !File.Exists(args[0]))
{
    await Console.Error.WriteLineAsync("usage: MailGate.AllocationReport <trace.nettrace> [allocations [N] | gc]");
    return 2;
}

if (args.Length > 1 && args[1] == "gc")
{
    GcTimeline.Print(args[0], Console.Out);
}
else
{
    var stacks = args.Length > 2 ? int.Parse(args[2], CultureInfo.InvariantCulture) : 15;
    AllocationTicks.Print(args[0], stacks, Console.Out);
}

return 0;
