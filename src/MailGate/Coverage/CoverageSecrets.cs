using System.Text;

namespace MailGate.Coverage;

/// <summary>Reads coverage's secrets: a value from the configuration (the environment), else the trimmed content of a file.</summary>
internal static class CoverageSecrets
{
    /// <summary>The shortest probe key taken, in bytes (UTF-8).</summary>
    public const int MinimumKeyBytes = 16;

    /// <summary><paramref name="value"/> when set, else the trimmed content of <paramref name="path"/>; null with the reason when neither gives one.</summary>
    /// <param name="value">The value as configured (empty: not set).</param>
    /// <param name="path">The file to read when <paramref name="value"/> is empty (empty: none).</param>
    public static (string? Secret, string? Problem) Read(string value, string path)
    {
        if (value.Length > 0)
        {
            return (value, null);
        }

        if (path.Length == 0)
        {
            return (null, "is not set");
        }

        try
        {
            var secret = File.ReadAllText(path).Trim();
            return secret.Length == 0 ? (null, $"'{path}' is empty") : (secret, null);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or ArgumentException or NotSupportedException)
        {
            return (null, $"'{path}' cannot be read: {e.Message}");
        }
    }

    /// <summary>The probe key's bytes, or why there is no usable key (not set, unreadable, shorter than <see cref="MinimumKeyBytes"/>).</summary>
    public static (byte[]? Key, string? Problem) ProbeKey(CoverageOptions options)
    {
        var (secret, problem) = Read(options.ProbeKey, options.ProbeKeyFile);
        if (secret is null)
        {
            return (null, problem);
        }

        var key = Encoding.UTF8.GetBytes(secret);
        return key.Length < MinimumKeyBytes ? (null, $"must have at least {MinimumKeyBytes} bytes (has {key.Length})") : (key, null);
    }
}
