using System.Collections;
using System.Diagnostics.CodeAnalysis;
using System.Reflection;

namespace MailGate.Hosting;

/// <summary>
/// Finds every configuration key pattern by reflection over the options classes of this assembly (each
/// has a <c>public const string Section</c>): their settable properties, nested option objects
/// (<c>Smtp:Tls:CertificatePath</c>) and lists (<c>Smtp:AcceptedRecipients:{index}</c>), plus
/// <c>Logging:Format</c> (read by <see cref="LoggingSetup"/>). Native AOT keeps what this reads: the project roots
/// its own assembly (<c>TrimmerRootAssembly</c> in <c>MailGate.csproj</c>), where every options class lives.
/// </summary>
[UnconditionalSuppressMessage("Trimming", "IL2026", Justification = RootedAssembly)]
[UnconditionalSuppressMessage("Trimming", "IL2065", Justification = RootedAssembly)]
[UnconditionalSuppressMessage("Trimming", "IL2070", Justification = RootedAssembly)]
[UnconditionalSuppressMessage("Trimming", "IL2075", Justification = RootedAssembly)]
internal static class ConfigurationKeyDiscovery
{
    private const string RootedAssembly = "Only MailGate's own options classes are read, and MailGate.csproj roots MailGate's assembly (TrimmerRootAssembly), so the trimmer keeps all their members.";

    /// <summary>Every key pattern: sections, lists and values, in the order the options classes declare them.</summary>
    public static List<ConfigurationKey> Discover()
    {
        var keys = new List<ConfigurationKey>();
        foreach (var type in typeof(ConfigurationSchema).Assembly.GetTypes())
        {
            if (type.GetField("Section", BindingFlags.Public | BindingFlags.Static) is { IsLiteral: true } field && field.GetRawConstantValue() is string section)
            {
                Walk(type, [section], keys, depth: 0);
            }
        }

        keys.Add(new ConfigurationKey(["Logging"], ConfigurationKeyShape.Section, null, Optional: false));
        keys.Add(new ConfigurationKey(["Logging", "Format"], ConfigurationKeyShape.Value, typeof(string), Optional: false)); // LoggingSetup
        return keys;
    }

    private static void Walk(Type type, string[] prefix, List<ConfigurationKey> keys, int depth)
    {
        keys.Add(new ConfigurationKey(prefix, ConfigurationKeyShape.Section, null, Optional: false));
        if (depth > 5)
        {
            return;
        }

        var nullability = new NullabilityInfoContext();
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
                keys.Add(new ConfigurationKey(key, ConfigurationKeyShape.List, null, Optional: true));
                if (IsOptionsObject(element))
                {
                    Walk(element, [.. key, ConfigurationSchema.Index], keys, depth + 1);
                }
                else
                {
                    keys.Add(new ConfigurationKey([.. key, ConfigurationSchema.Index], ConfigurationKeyShape.Value, element, Optional: false));
                }
            }
            else if (IsOptionsObject(propertyType))
            {
                Walk(propertyType, key, keys, depth + 1);
            }
            else
            {
                var optional = Nullable.GetUnderlyingType(propertyType) is not null || nullability.Create(property).WriteState is NullabilityState.Nullable;
                keys.Add(new ConfigurationKey(key, ConfigurationKeyShape.Value, Nullable.GetUnderlyingType(propertyType) ?? propertyType, optional));
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
}
