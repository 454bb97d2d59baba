using System.Collections.Concurrent;

namespace MailGate.Core.Parse.Authentication;

/// <summary>
/// Key names held for messages being verified (<see cref="DnsDkimPublicKeyLocator.Hold"/>): counted, so two
/// messages holding one name keep it until both are done.
/// </summary>
internal sealed class DkimKeyHolds
{
    private readonly ConcurrentDictionary<string, int> _holds = new(StringComparer.OrdinalIgnoreCase);

    /// <summary>Holds <paramref name="names"/> until the returned handle is disposed (once).</summary>
    public IDisposable Hold(IEnumerable<string> names)
    {
        var held = names.Select(n => n.ToLowerInvariant()).Distinct(StringComparer.Ordinal).ToArray();
        foreach (var name in held)
        {
            _holds.AddOrUpdate(name, 1, (_, n) => n + 1);
        }

        return new Holding(this, held);
    }

    /// <summary>Whether some message holds <paramref name="name"/>.</summary>
    public bool IsHeld(string name) => _holds.ContainsKey(name);

    private void Release(string[] names)
    {
        foreach (var name in names)
        {
            if (_holds.AddOrUpdate(name, 0, (_, n) => n - 1) <= 0)
            {
                _holds.TryRemove(new KeyValuePair<string, int>(name, 0));
            }
        }
    }

    /// <summary>One hold; ends it once.</summary>
    private sealed class Holding(DkimKeyHolds owner, string[] names) : IDisposable
    {
        private int _disposed;

        public void Dispose()
        {
            if (Interlocked.Exchange(ref _disposed, 1) == 0)
            {
                owner.Release(names);
            }
        }
    }
}
