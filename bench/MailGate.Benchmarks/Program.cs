using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Jobs;
using BenchmarkDotNet.Reports;
using BenchmarkDotNet.Running;

namespace MailGate.Benchmarks;

/// <summary>
/// Runs the benchmarks BenchmarkDotNet's arguments select (<c>--filter '*'</c> for all). Without a
/// job-shaping argument it uses the short-run job (1 launch, 3 warm-up and 3 measured iterations), so a
/// whole run takes a few minutes; <c>--job default</c> gives BenchmarkDotNet's full precision.
/// </summary>
internal static class Program
{
    /// <summary>Arguments that choose or shape the job; with any of them the command line decides.</summary>
    private static readonly string[] JobArguments =
    [
        "-j", "--job", "--launchCount", "--warmupCount", "--iterationCount", "--minIterationCount",
        "--maxIterationCount", "--iterationTime", "--invocationCount", "--unrollFactor", "--strategy",
        "--runOncePerIteration",
    ];

    public static void Main(string[] args)
    {
        // Fixture names are the parameter; show them whole instead of "abuse(...)p.eml".
        var config = DefaultConfig.Instance.WithSummaryStyle(SummaryStyle.Default.WithMaxParameterColumnWidth(45));
        if (!args.Any(arg => JobArguments.Contains(arg, StringComparer.OrdinalIgnoreCase)))
        {
            config = config.AddJob(Job.ShortRun);
        }

        BenchmarkSwitcher.FromAssembly(typeof(Program).Assembly).Run(args, config);
    }
}
