using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.Configuration;
using Serilog;
using Serilog.Formatting.Compact;

namespace MailGate.Hosting;

/// <summary>
/// Serilog to the console: human text (default) or one compact JSON object a line (<c>Logging:Format=json</c>);
/// every value sanitised and bounded by <see cref="LogSanitiser"/>, in both formats and the bootstrap logger.
/// </summary>
internal static class LoggingSetup
{
    public const string TextTemplate = "[{Timestamp:HH:mm:ss.fff} {Level:u3}] {Message:lj}{NewLine}{Exception}";

    /// <summary>The logger used before the host is built, and for start-up errors.</summary>
    public static Serilog.ILogger CreateBootstrapLogger() =>
        new LoggerConfiguration().Enrich.With(new LogSanitiser())
            .WriteTo.Sanitised(sink => sink.Console(outputTemplate: TextTemplate, formatProvider: System.Globalization.CultureInfo.InvariantCulture))
            .CreateBootstrapLogger();

    /// <summary>
    /// Writes to the sinks <paramref name="configure"/> adds with exception texts sanitised
    /// (<see cref="LogSanitiser.ExceptionSink"/>); the properties are sanitised by the <see cref="LogSanitiser"/> enricher.
    /// </summary>
    private static LoggerConfiguration Sanitised(this Serilog.Configuration.LoggerSinkConfiguration writeTo, Action<Serilog.Configuration.LoggerSinkConfiguration> configure) =>
        writeTo.Sink(Serilog.Configuration.LoggerSinkConfiguration.Wrap(inner => new LogSanitiser.ExceptionSink(inner), configure));

    public static WebApplicationBuilder AddMailGateLogging(this WebApplicationBuilder builder)
    {
        var format = builder.Configuration["Logging:Format"] ?? "text";
        var json = format.Trim().ToLowerInvariant() switch
        {
            "text" => false,
            "json" => true,
            _ => throw new StartupException($"Logging:Format must be 'text' or 'json' (is '{format}')"),
        };

        builder.Logging.ClearProviders();
        builder.Services.AddSerilog((services, logger) =>
        {
            logger.ReadFrom.Configuration(builder.Configuration, new Serilog.Settings.Configuration.ConfigurationReaderOptions(typeof(ConsoleLoggerConfigurationExtensions).Assembly, typeof(RenderedCompactJsonFormatter).Assembly)).Enrich.FromLogContext();
            // Last, so that it sees every property the other enrichers added: no sender's text reaches a sink raw.
            logger.Enrich.With(new LogSanitiser());
            if (json)
            {
                logger.WriteTo.Sanitised(sink => sink.Console(new RenderedCompactJsonFormatter()));
            }
            else
            {
                logger.WriteTo.Sanitised(sink => sink.Console(outputTemplate: TextTemplate, formatProvider: System.Globalization.CultureInfo.InvariantCulture));
            }
        });
        return builder;
    }
}
