using MailGate.Core.Storage;
using System.Text.Json;

namespace MailGate.Core.Spool;

/// <summary><c>state.json</c>: a message's <see cref="ProcessingState"/>, replaced atomically and durably after every step.</summary>
internal static class StateFile
{
    /// <summary>The state in <paramref name="directory"/>, or an empty state when none was written yet.</summary>
    /// <exception cref="JsonException">The file is not a state the gateway can act on (<see cref="Incomplete"/>).</exception>
    public static ProcessingState Read(string directory)
    {
        var path = Path.Combine(directory, SpoolFiles.State);
        if (!File.Exists(path))
        {
            return new ProcessingState();
        }

        using var stream = File.OpenRead(path);
        return Parse(stream);
    }

    /// <summary>A state document read from <paramref name="stream"/> (see <see cref="Read"/>).</summary>
    /// <exception cref="JsonException">It is not a state the gateway can act on (<see cref="Incomplete"/>).</exception>
    public static ProcessingState Parse(Stream stream)
    {
        var state = JsonSerializer.Deserialize(stream, SpoolJsonContext.Default.ProcessingState);
        if (state is null)
        {
            return new ProcessingState();
        }

        // Audit notes only: a state written before MailGate kept them (no "untrusted") reads as none.
        state = state.Untrusted is null || state.Untrusted.Any(u => u is null) ? state with { Untrusted = [.. (state.Untrusted ?? []).Where(u => u is not null)] } : state;
        if (!state.IsDecided && state.Deliveries is null)
        {
            return state with { Deliveries = [] }; // nothing decided yet: nothing owed
        }

        return Incomplete(state) is { } missing ? throw new JsonException($"{SpoolFiles.State} is incomplete: {missing}") : state;
    }

    /// <summary>The file as it is, for people; null when none was written yet.</summary>
    public static string? Text(string directory)
    {
        var path = Path.Combine(directory, SpoolFiles.State);
        return File.Exists(path) ? File.ReadAllText(path) : null;
    }

    /// <summary>Replaces the state in <paramref name="directory"/>: a temporary file, fsynced, renamed over the old one, the folder fsynced.</summary>
    public static void Write(string directory, ProcessingState state)
    {
        var path = Path.Combine(directory, SpoolFiles.State);
        var temporary = path + ".tmp";
        using (var file = new FileStream(temporary, FileMode.Create, FileAccess.Write, FileShare.None, bufferSize: 4096))
        {
            JsonSerializer.Serialize(file, state, SpoolJsonContext.Default.ProcessingState);
            file.Flush(flushToDisk: true);
        }

        File.Move(temporary, path, overwrite: true);
        DirectorySync.Flush(directory);
    }

    /// <summary>
    /// What valid JSON lacks to be a state the gateway can act on (the deliveries, or a part of one,
    /// missing or <c>null</c>, which the serializer lets through), or null when nothing: such a state is as
    /// unreadable as broken JSON, and is treated the same way (the message goes to <c>corrupt/</c>), since
    /// acting on it could lose a page or send one twice.
    /// </summary>
    private static string? Incomplete(ProcessingState state)
    {
        if (state.Deliveries is null)
        {
            return "decided, but its deliveries are missing";
        }

        for (var i = 0; i < state.Deliveries.Count; i++)
        {
            var delivery = state.Deliveries[i];
            var missing = delivery is null ? "is null"
                : delivery.Rule is null ? "has no rule"
                : delivery.Route is null ? "has no route"
                : delivery.Event?.Payload is null || delivery.Event.DedupKey is null ? "has no complete event"
                : delivery.Event.Payload.Summary is null || delivery.Event.Payload.Source is null || delivery.Event.Payload.Severity is null ? "has no complete event payload"
                : null;
            if (missing is not null)
            {
                return $"deliveries[{i}] {missing}";
            }
        }

        return null;
    }
}
