using Microsoft.Extensions.Options;

namespace MailGate.Coverage;

/// <summary>The <see cref="IProbeKey"/> of the configuration: the key when <c>Coverage:Enabled</c>, read once (the validator has checked it).</summary>
internal sealed class CoverageProbeKey(IOptions<CoverageOptions> options) : IProbeKey
{
    /// <summary>How long after its deadline a late probe is still taken as one (and closes its account's alert): 1 hour.</summary>
    public static readonly TimeSpan Margin = TimeSpan.FromHours(1);

    private readonly Lazy<byte[]?> _key = new(() => options.Value.Enabled ? CoverageSecrets.ProbeKey(options.Value).Key : null);

    /// <inheritdoc/>
    public ReadOnlyMemory<byte>? Key => _key.Value is { } key ? new ReadOnlyMemory<byte>?(key) : null;

    /// <inheritdoc/>
    public TimeSpan MaxAge => options.Value.Deadline + Margin;
}
