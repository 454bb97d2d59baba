using System.Security.Cryptography;
using System.Text;

namespace MailGate.Push;

/// <summary>The API key EventBridge must send (<see cref="AwsEventsOptions.ApiKey"/>, else the file's content), checked in constant time.</summary>
internal sealed class AwsEventsKey
{
    private readonly byte[] _key;

    /// <summary>Takes the key from <paramref name="options"/> (the file is read now).</summary>
    /// <exception cref="InvalidOperationException">No key is configured, or the file cannot be read (the validator reports both at start-up first).</exception>
    public AwsEventsKey(AwsEventsOptions options)
    {
        var key = options.ApiKey.Length > 0 ? options.ApiKey
            : ReadFile(options.ApiKeyFile) is { Key: { } fromFile } ? fromFile
            : throw new InvalidOperationException("AwsEvents:ApiKey is not set");
        _key = SHA256.HashData(Encoding.UTF8.GetBytes(key));
    }

    /// <summary>Whether <paramref name="presented"/> is the key; the comparison takes the same time whatever the text (hashes compared with <see cref="CryptographicOperations.FixedTimeEquals"/>).</summary>
    public bool Matches(string? presented) =>
        presented is not null && CryptographicOperations.FixedTimeEquals(_key, SHA256.HashData(Encoding.UTF8.GetBytes(presented)));

    /// <summary>The trimmed content of <paramref name="path"/>, or why it cannot serve as a key.</summary>
    public static (string? Key, string? Problem) ReadFile(string path)
    {
        try
        {
            var key = File.ReadAllText(path).Trim();
            return key.Length == 0 ? (null, $"'{path}' is empty") : (key, null);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or ArgumentException or NotSupportedException)
        {
            return (null, $"'{path}' cannot be read: {e.Message}");
        }
    }
}
