using MailGate.Rules;
using Microsoft.Extensions.Options;

namespace MailGate.Hosting;

/// <summary>Turns start-up failures caused by configuration into one clear line each, without stack traces.</summary>
internal static class StartupErrors
{
    /// <summary>The lines to print for <paramref name="error"/>, or null when it is not a configuration problem.</summary>
    public static IReadOnlyList<string>? Describe(Exception error) => error switch
    {
        RulesException rules => rules.Errors.Select(e => e.ToString()).ToArray(),
        OptionsValidationException options => options.Failures.ToArray(),
        StartupException startup => [startup.Message],
        InvalidOperationException { Message: var m } when m.StartsWith("Failed to convert configuration value", StringComparison.Ordinal) => [m],
        AggregateException aggregate when aggregate.InnerExceptions.Count == 1 => Describe(aggregate.InnerExceptions[0]),
        _ when error.InnerException is { } inner => Describe(inner),
        _ => null,
    };
}
