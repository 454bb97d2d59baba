using MailGate.Startup;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.Configuration;
using Serilog;
using Serilog.Events;
using Serilog.Formatting.Compact;

namespace MailGate.Hosting;

/// <summary>
/// Serilog to the console: human text (default) or one compact JSON object a line (<c>Logging:Format=json</c>);
/// every value sanitised and bounded by <see cref="LogSanitiser"/>, in both formats and the bootstrap logger.
/// </summary>
internal static class LoggingSetup
{
    public const string TextTemplate = "[{Timestamp:HH:mm:ss.fff} {Level:u3}] {Message:lj}{NewLine}{Exception}";

    /// <summary>The logger used before the host is built, and for start-up errors, in text.</summary>
    public static Serilog.ILogger CreateBootstrapLogger() => CreateBootstrapLogger(json: false);

    /// <summary>
    /// The logger used before the host is built, and for start-up errors, in the format <paramref name="json"/>
    /// says, so that a container's log pipeline gets JSON from the first line on (a configuration error
    /// found before the host's own logger exists included).
    /// </summary>
    public static Serilog.ILogger CreateBootstrapLogger(bool json) =>
        new LoggerConfiguration().Enrich.With(new LogSanitiser())
            .WriteTo.Sanitised(sink =>
            {
                if (json)
                {
                    sink.Console(new RenderedCompactJsonFormatter());
                }
                else
                {
                    sink.Console(outputTemplate: TextTemplate, formatProvider: System.Globalization.CultureInfo.InvariantCulture);
                }
            })
            .CreateBootstrapLogger();

    /// <summary>Whether the configuration <paramref name="configurationArgs"/> and the environment give asks for JSON logs (<c>Logging:Format=json</c>); read before anything is checked.</summary>
    public static bool WantsJson(string[] configurationArgs)
    {
        try
        {
            var format = new ConfigurationBuilder().AddMailGateSources(configurationArgs).Build()["Logging:Format"];
            return string.Equals(format?.Trim(), "json", StringComparison.OrdinalIgnoreCase);
        }
        catch (Exception e) when (e is FormatException or IOException or InvalidDataException)
        {
            return false; // unreadable sources: their error is reported, in text
        }
    }

    /// <summary>
    /// Writes to the sinks <paramref name="configure"/> adds with exception texts sanitised
    /// (<see cref="LogSanitiser.ExceptionSink"/>); the properties are sanitised by the <see cref="LogSanitiser"/> enricher.
    /// </summary>
    private static LoggerConfiguration Sanitised(this Serilog.Configuration.LoggerSinkConfiguration writeTo, Action<Serilog.Configuration.LoggerSinkConfiguration> configure) =>
        writeTo.Sink(Serilog.Configuration.LoggerSinkConfiguration.Wrap(inner => new LogSanitiser.ExceptionSink(inner), configure));

    /// <summary>
    /// Refuses a log level Serilog does not know before the host is built, naming the key
    /// (<c>Serilog:MinimumLevel:Default</c>, <c>Serilog:MinimumLevel</c>, <c>Serilog:MinimumLevel:Override:*</c>);
    /// the other keys under <c>Serilog:</c> are checked by <see cref="ConfigurationCheck"/>.
    /// </summary>
    private static void CheckSerilogSettings(ConfigurationManager configuration)
    {
        foreach (var level in SerilogSettings.LevelSections(configuration))
        {
            if (level.Value is { } value && !Enum.TryParse<LogEventLevel>(value.Trim(), ignoreCase: true, out _))
            {
                throw new StartupException($"{level.Path} must be one of {string.Join(", ", Enum.GetNames<LogEventLevel>())} (is '{value}')");
            }
        }
    }

    /// <summary>
    /// The generic host's own reports of a failed background service (events 9, 10) and of a failed
    /// start (11): MailGate reports those itself, once, in its own words (<see cref="BackgroundServiceWatch"/>,
    /// the <c>serve</c> command), so a configuration error stays one line without a stack trace.
    /// </summary>
    internal static bool IsReportedByMailGate(LogEvent logEvent) =>
        logEvent.Properties.TryGetValue("SourceContext", out var source) && source is ScalarValue { Value: "Microsoft.Extensions.Hosting.Internal.Host" }
        && logEvent.Properties.TryGetValue("EventId", out var eventId) && eventId is StructureValue structure
        && structure.Properties.FirstOrDefault(p => p.Name == "Id")?.Value is ScalarValue { Value: 9 or 10 or 11 };

    public static WebApplicationBuilder AddMailGateLogging(this WebApplicationBuilder builder)
    {
        var format = builder.Configuration["Logging:Format"] ?? "text";
        var json = format.Trim().ToLowerInvariant() switch
        {
            "text" => false,
            "json" => true,
            _ => throw new StartupException($"Logging:Format must be 'text' or 'json' (is '{format}')"),
        };

        CheckSerilogSettings(builder.Configuration);
        builder.Logging.ClearProviders();
        builder.Services.AddSerilog((services, logger) =>
        {
            SerilogSettings.Apply(logger, builder.Configuration).Enrich.FromLogContext()
                .Filter.ByExcluding(IsReportedByMailGate);
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
