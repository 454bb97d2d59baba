using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;

namespace MailGate.Tests.Support;

/// <summary>An <see cref="ILogger{T}"/> that keeps every entry with its structured properties.</summary>
public sealed class CollectingLogger<T> : ILogger<T>
{
    private readonly ConcurrentQueue<LogEntry> _entries = new();

    public IReadOnlyList<LogEntry> Entries => [.. _entries];

    public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;

    public bool IsEnabled(LogLevel logLevel) => true;

    public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
    {
        var properties = state as IReadOnlyList<KeyValuePair<string, object?>> ?? [];
        _entries.Enqueue(new LogEntry(logLevel, eventId.Id, formatter(state, exception), properties.ToDictionary(p => p.Key, p => p.Value)) { Exception = exception });
    }
}

/// <summary>One collected log entry.</summary>
public sealed record LogEntry(LogLevel Level, int EventId, string Message, IReadOnlyDictionary<string, object?> Properties)
{
    /// <summary>The exception logged with it (a stack trace in the log), if any.</summary>
    public Exception? Exception { get; init; }
}
