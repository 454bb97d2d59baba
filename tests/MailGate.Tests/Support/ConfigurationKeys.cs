using System.Collections;
using System.Reflection;
using System.Text.RegularExpressions;
using MailGate.Hosting;

namespace MailGate.Tests.Support;

/// <summary>
/// Every configuration key the gateway reads, found by reflection: each options class with a
/// <c>public const string Section</c> (the convention every bound options class follows), walked
/// through its settable properties, nested option objects (<c>Smtp:Tls:CertificatePath</c>) and lists
/// (<c>Smtp:AcceptedRecipients:0</c>); plus the few keys read outside options classes.
/// </summary>
public static partial class ConfigurationKeys
{
    /// <summary>Keys read directly from the configuration, not through an options class.</summary>
    private static readonly string[] ReadDirectly =
    [
        "Logging:Format",                          // LoggingSetup
        "Serilog:MinimumLevel",                    // Serilog's own settings (LoggingSetup checks the levels)
        "Serilog:MinimumLevel:Default",
        "Serilog:MinimumLevel:Override:{name}",
    ];

    private static readonly Lazy<IReadOnlyList<string[]>> Known = new(() =>
    {
        var keys = new List<string[]>();
        foreach (var type in typeof(MailGateHost).Assembly.GetTypes())
        {
            if (type.GetField("Section", BindingFlags.Public | BindingFlags.Static) is { IsLiteral: true } field && field.GetRawConstantValue() is string section)
            {
                Walk(type, [section], keys, depth: 0);
            }
        }

        keys.AddRange(ReadDirectly.Select(k => k.Split(':')));
        return keys;
    });

    /// <summary>The options sections found (for the test's own sanity check).</summary>
    public static IReadOnlyList<string> Sections => [.. Known.Value.Select(k => k[0]).Distinct(StringComparer.Ordinal)];

    /// <summary>
    /// Whether <paramref name="mention"/> names a key the gateway reads: <c>Section:Key[:…]</c> or
    /// <c>MAILGATE_Section__Key[__…]</c>, compared without case (as configuration does). A mention may
    /// also be the tail of a key, at least two levels deep (<c>Tls:Required</c> in the SMTP section).
    /// </summary>
    public static bool IsKnown(string mention)
    {
        ArgumentNullException.ThrowIfNull(mention);
        var key = mention.StartsWith(MailGateConfiguration.EnvironmentPrefix, StringComparison.Ordinal)
            ? mention[MailGateConfiguration.EnvironmentPrefix.Length..].TrimEnd('_').Replace("__", ":", StringComparison.Ordinal)
            : mention;
        var segments = key.Split(':');
        return segments.Length >= 2 && segments.All(s => s.Length > 0)
            && Known.Value.Any(known => known.Length >= segments.Length && Matches(known.AsSpan(known.Length - segments.Length), segments));
    }

    /// <summary>Every key a text mentions: <c>Section:Key</c> forms and <c>MAILGATE_Section__Key</c> environment variables.</summary>
    public static IReadOnlyList<string> MentionedIn(string text) =>
        [.. KeyMention().Matches(text).Select(m => m.Value)
            .Concat(EnvironmentMention().Matches(text).Select(m => m.Value))
            .Distinct(StringComparer.Ordinal)];

    private static bool Matches(ReadOnlySpan<string> known, string[] segments)
    {
        for (var i = 0; i < segments.Length; i++)
        {
            var ok = known[i] switch
            {
                "{index}" => int.TryParse(segments[i], System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out _),
                "{name}" => true,
                var name => string.Equals(name, segments[i], StringComparison.OrdinalIgnoreCase),
            };
            if (!ok)
            {
                return false;
            }
        }

        return true;
    }

    private static void Walk(Type type, string[] prefix, List<string[]> keys, int depth)
    {
        keys.Add(prefix);
        if (depth > 5)
        {
            return;
        }

        foreach (var property in type.GetProperties(BindingFlags.Public | BindingFlags.Instance))
        {
            var propertyType = property.PropertyType;
            var bindable = property.SetMethod is { IsPublic: true } || IsMutableCollection(propertyType) || IsOptionsObject(propertyType);
            if (!bindable || property.GetIndexParameters().Length > 0)
            {
                continue;
            }

            string[] key = [.. prefix, property.Name];
            if (ElementType(propertyType) is { } element)
            {
                keys.Add(key);
                Walk(element, [.. key, "{index}"], keys, depth + 1);
            }
            else if (IsOptionsObject(propertyType))
            {
                Walk(propertyType, key, keys, depth + 1);
            }
            else
            {
                keys.Add(key);
            }
        }
    }

    private static bool IsOptionsObject(Type type) =>
        type.IsClass && type != typeof(string) && type != typeof(Uri) && !typeof(IEnumerable).IsAssignableFrom(type)
        && type.GetProperties(BindingFlags.Public | BindingFlags.Instance).Any(p => p.SetMethod is { IsPublic: true });

    private static bool IsMutableCollection(Type type) =>
        type != typeof(string) && type.GetInterfaces().Append(type).Any(i => i.IsGenericType && i.GetGenericTypeDefinition() == typeof(ICollection<>));

    /// <summary>The element type of a list or array the binder fills by index; null for anything else.</summary>
    private static Type? ElementType(Type type) =>
        type == typeof(string) ? null
        : type.IsArray ? type.GetElementType()
        : type.GetInterfaces().Append(type).FirstOrDefault(i => i.IsGenericType && i.GetGenericTypeDefinition() == typeof(IEnumerable<>))?.GetGenericArguments()[0];

    // Section:Key[:Sub…] with PascalCase or numeric segments, not inside a URL, a path or a longer word.
    [GeneratedRegex(@"(?<![\w./])[A-Z][A-Za-z0-9]*(?::[A-Za-z0-9]+)+(?![\w/])")]
    private static partial Regex KeyMention();

    // MAILGATE_Section__Key[__Sub…], the environment form; MAILGATE_X_Y (no double underscore) are compose variables, not keys.
    [GeneratedRegex(@"\bMAILGATE_[A-Za-z0-9]+(?:__[A-Za-z0-9]+)+_*")]
    private static partial Regex EnvironmentMention();
}
