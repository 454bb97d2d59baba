using Microsoft.Extensions.Configuration;
using Serilog;
using Serilog.Events;

namespace MailGate.Hosting;

/// <summary>
/// Reads the part of the <c>Serilog</c> section MailGate supports into a <see cref="LoggerConfiguration"/>, as
/// Serilog.Settings.Configuration's <c>ReadFrom.Configuration</c> reads it, without its reflection (which native
/// AOT cannot do): <c>Serilog:MinimumLevel</c> (a level name) or <c>Serilog:MinimumLevel:Default</c>,
/// <c>Serilog:MinimumLevel:Override:&lt;category&gt;</c>, and <c>Serilog:Properties:&lt;name&gt;</c> (a property
/// with that string value on every event). Every other key under <c>Serilog:</c> is refused earlier, by
/// <see cref="ConfigurationCheck"/>.
/// </summary>
internal static class SerilogSettings
{
    /// <summary>The sections of the levels: <c>Serilog:MinimumLevel</c>, its <c>Default</c>, and each <c>Override:&lt;category&gt;</c>.</summary>
    public static IEnumerable<IConfigurationSection> LevelSections(IConfiguration configuration)
    {
        var minimum = configuration.GetSection("Serilog:MinimumLevel");
        return [minimum, minimum.GetSection("Default"), .. minimum.GetSection("Override").GetChildren()];
    }

    /// <summary>
    /// Applies the levels and properties of <paramref name="configuration"/> to <paramref name="logger"/>; a
    /// level is a <see cref="LogEventLevel"/> name in any case (checked before, by <c>LoggingSetup</c>).
    /// </summary>
    /// <exception cref="ArgumentException">A level that is not a <see cref="LogEventLevel"/>.</exception>
    public static LoggerConfiguration Apply(LoggerConfiguration logger, IConfiguration configuration)
    {
        var minimum = configuration.GetSection("Serilog:MinimumLevel");
        if ((Level(minimum) ?? Level(minimum.GetSection("Default"))) is { } level)
        {
            logger.MinimumLevel.Is(level);
        }

        foreach (var category in minimum.GetSection("Override").GetChildren())
        {
            if (Level(category) is { } categoryLevel)
            {
                logger.MinimumLevel.Override(category.Key, categoryLevel);
            }
        }

        foreach (var property in configuration.GetSection("Serilog:Properties").GetChildren())
        {
            if (property.Value is { } value)
            {
                logger.Enrich.WithProperty(property.Key, value);
            }
        }

        return logger;
    }

    private static LogEventLevel? Level(IConfigurationSection section) =>
        section.Value is { } value ? Enum.Parse<LogEventLevel>(value.Trim(), ignoreCase: true) : null;
}
