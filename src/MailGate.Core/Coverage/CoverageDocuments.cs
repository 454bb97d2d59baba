using System.Text.Json;
using System.Text.Json.Serialization;
using System.Text.Json.Serialization.Metadata;

namespace MailGate.Core.Coverage;

/// <summary>
/// Where coverage keeps its state: the storage's cursor documents (<c>IPollerCursors.Cursors(</c><see cref="Store"/><c>)</c>),
/// one document per account and writer, so that the one replica that sends probes and any replica that receives one
/// never overwrite each other: <c>sent-{account}</c> (<see cref="ProbeSent"/>, written by the sender) and
/// <c>arrived-{account}</c> (<see cref="ProbeArrival"/>, written by the receiver of a valid probe).
/// </summary>
public static class CoverageDocuments
{
    /// <summary>The cursor store's name.</summary>
    public const string Store = "coverage";

    /// <summary>The key of an account's <see cref="ProbeSent"/> document.</summary>
    /// <param name="accountId">The 12-digit account id.</param>
    public static string SentKey(string accountId) => "sent-" + accountId;

    /// <summary>The key of an account's <see cref="ProbeArrival"/> document.</summary>
    /// <param name="accountId">The 12-digit account id.</param>
    public static string ArrivedKey(string accountId) => "arrived-" + accountId;

    /// <summary>The key of the <see cref="RelayAlarmState"/> document: whether the one <c>send_failed</c> alert is open.</summary>
    public const string RelayAlarmKey = "relay-alarm";

    /// <summary>Serialises a document (UTF-8 JSON, snake_case names).</summary>
    /// <exception cref="NotSupportedException"><typeparamref name="T"/> is not one of <see cref="CoverageJsonContext"/>'s types.</exception>
    public static byte[] Write<T>(T document) => JsonSerializer.SerializeToUtf8Bytes(document, TypeInfo<T>());

    /// <summary>Reads a document written by <see cref="Write{T}"/>; null for null bytes.</summary>
    /// <exception cref="JsonException">The bytes are not such a document.</exception>
    /// <exception cref="NotSupportedException"><typeparamref name="T"/> is not one of <see cref="CoverageJsonContext"/>'s types.</exception>
    public static T? Read<T>(byte[]? bytes)
        where T : class => bytes is null ? null : JsonSerializer.Deserialize(bytes, TypeInfo<T>());

    /// <summary>
    /// Reads a document that a damaged copy must never block for good (a coverage state the next write replaces):
    /// null when <paramref name="bytes"/> is null or not such a document, and then <paramref name="damage"/> says why.
    /// </summary>
    /// <param name="bytes">The stored bytes, or null when none are stored.</param>
    /// <param name="damage">Null, or why the stored bytes are not such a document (for the log).</param>
    public static T? ReadOrReplace<T>(byte[]? bytes, out string? damage)
        where T : class
    {
        damage = null;
        try
        {
            return Read<T>(bytes);
        }
        catch (JsonException e)
        {
            damage = e.Message;
            return null;
        }
    }

    private static JsonTypeInfo<T> TypeInfo<T>() => CoverageJsonContext.Default.GetTypeInfo(typeof(T)) as JsonTypeInfo<T>
        ?? throw new NotSupportedException($"{typeof(T).Name} is not a coverage document (CoverageJsonContext)");
}

/// <summary>What the probe sender last did for one account (document <c>sent-{account}</c>).</summary>
public sealed record ProbeSent
{
    /// <summary>The 12-digit account id.</summary>
    public required string AccountId { get; init; }

    /// <summary>The account's name, when known (rules file or AWS Organizations).</summary>
    public string AccountName { get; init; } = "";

    /// <summary>The root address the probe goes to.</summary>
    public required string RootAddress { get; init; }

    /// <summary>The newest probe handed to the relay (its id); null when none was sent yet.</summary>
    public string? ProbeId { get; init; }

    /// <summary>When that probe was handed to the relay (its token's send time).</summary>
    public DateTimeOffset? SentAt { get; init; }

    /// <summary>Send rounds in a row whose probe the relay did not take (0 after a successful send).</summary>
    public int FailedRounds { get; init; }

    /// <summary>The newest send failure (the relay's answer or the network error), when <see cref="FailedRounds"/> &gt; 0.</summary>
    public string? LastError { get; init; }

    /// <summary>When the first of the <see cref="FailedRounds"/> failed rounds in a row was tried; null after a successful send.</summary>
    public DateTimeOffset? FailingSince { get; init; }

    /// <summary>Whether the newest failure was the relay permanently refusing the root address (<c>RCPT TO</c> 5xx) rather than the relay failing.</summary>
    public bool RecipientRefused { get; init; }

    /// <summary>When the newest send attempt, successful or not, was made.</summary>
    public DateTimeOffset? AttemptedAt { get; init; }

    /// <summary>The alert open in PagerDuty for this account (<c>missing</c> or <c>send_failed</c>), or null when none is.</summary>
    public string? OpenAlert { get; init; }
}

/// <summary>The newest valid probe that arrived for one account (document <c>arrived-{account}</c>).</summary>
public sealed record ProbeArrival
{
    /// <summary>The 12-digit account id.</summary>
    public required string AccountId { get; init; }

    /// <summary>The probe's id (a token with this id, or an older one, arriving again is a replay).</summary>
    public required string ProbeId { get; init; }

    /// <summary>The send time the token names.</summary>
    public required DateTimeOffset SentAt { get; init; }

    /// <summary>When it was accepted over SMTP here.</summary>
    public required DateTimeOffset ArrivedAt { get; init; }

    /// <summary>The List-Ids it carried, in header order (a group adds its own below those already there: the root group first), the groups it went through.</summary>
    public IReadOnlyList<string> ListIds { get; init; } = [];

    /// <summary>The SMTP envelope recipient(s) it was accepted for.</summary>
    public IReadOnlyList<string> Recipients { get; init; } = [];

    /// <summary>The <c>X-Original-To</c> header, when present.</summary>
    public string? OriginalTo { get; init; }

    /// <summary>Whether Google's ARC seal verified (<c>arc_sealed_by: google.com</c>).</summary>
    public bool ArcVerified { get; init; }

    /// <summary>The latency: <see cref="ArrivedAt"/> − <see cref="SentAt"/>.</summary>
    [JsonIgnore]
    public TimeSpan Latency => ArrivedAt - SentAt;
}

/// <summary>Whether the one alert for probes the relay does not take is open (document <c>relay-alarm</c>, written by the probe sender).</summary>
public sealed record RelayAlarmState
{
    /// <summary>True from the trigger until its resolve was committed.</summary>
    public bool Open { get; init; }

    /// <summary>When the open alert was raised.</summary>
    public DateTimeOffset? Since { get; init; }
}
