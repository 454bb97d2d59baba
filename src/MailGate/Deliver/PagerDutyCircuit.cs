using MailGate.Core.Deliver;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Polly;
using Polly.CircuitBreaker;

namespace MailGate.Deliver;

/// <summary>
/// One circuit breaker for the PagerDuty endpoint, shared by every route: after
/// <see cref="PagerDutyOptions.BreakerFailures"/> failed POSTs in a row (no answer, 429, 5xx) it opens
/// and refuses to send for <see cref="PagerDutyOptions.BreakDuration"/>; then one request probes, and
/// only its success closes it again. While it is open, deliveries wait instead of hammering an
/// endpoint that is down. Untrusted events have a breaker of their own
/// (<see cref="PagerDutyDelivery.UntrustedCircuit"/>), so their failures never pause trusted sending.
/// </summary>
internal sealed class PagerDutyCircuit
{
    private readonly CircuitBreakerStateProvider _state = new();

    /// <summary>The breaker of trusted events, shared by every route.</summary>
    public PagerDutyCircuit(IOptions<PagerDutyOptions> options, TimeProvider time, ILogger<PagerDutyCircuit> logger)
        : this(options, time, logger, untrusted: false)
    {
    }

    /// <summary>A breaker for trusted or (<paramref name="untrusted"/>) untrusted events; they log under different event ids.</summary>
    public PagerDutyCircuit(IOptions<PagerDutyOptions> options, TimeProvider time, ILogger<PagerDutyCircuit> logger, bool untrusted)
    {
        ArgumentNullException.ThrowIfNull(options);
        IsForUntrusted = untrusted;
        var settings = options.Value;
        // Polly times the break with GetUtcNow: a steady clock keeps a clock step from shortening or stretching it.
        Pipeline = new ResiliencePipelineBuilder<SendResult> { TimeProvider = new SteadyTimeProvider(time) }
            .AddCircuitBreaker(new CircuitBreakerStrategyOptions<SendResult>
            {
                ShouldHandle = args => ValueTask.FromResult(IsFailure(args.Outcome, args.Context.CancellationToken)),
                FailureRatio = 1.0,
                MinimumThroughput = settings.BreakerFailures,
                SamplingDuration = TimeSpan.FromHours(1),
                BreakDuration = settings.BreakDuration,
                StateProvider = _state,
                OnOpened = args =>
                {
                    Opened?.Invoke(this, EventArgs.Empty);
                    if (untrusted)
                    {
                        Log.UntrustedCircuitOpened(logger, settings.BreakerFailures, args.BreakDuration);
                    }
                    else
                    {
                        Log.CircuitOpened(logger, settings.BreakerFailures, args.BreakDuration);
                    }

                    return ValueTask.CompletedTask;
                },
                OnHalfOpened = _ =>
                {
                    if (!untrusted)
                    {
                        Log.CircuitProbing(logger);
                    }

                    return ValueTask.CompletedTask;
                },
                OnClosed = _ =>
                {
                    if (untrusted)
                    {
                        Log.UntrustedCircuitClosed(logger);
                    }
                    else
                    {
                        Log.CircuitClosed(logger);
                    }

                    return ValueTask.CompletedTask;
                },
            })
            .Build();
    }

    /// <summary>Whether this is the breaker of untrusted events.</summary>
    public bool IsForUntrusted { get; }

    /// <summary>Raised when the circuit opens.</summary>
    public event EventHandler? Opened;

    /// <summary>Sends through the breaker; throws <see cref="BrokenCircuitException"/> while it is open.</summary>
    public ResiliencePipeline<SendResult> Pipeline { get; }

    /// <summary>Whether requests are being refused now.</summary>
    public bool IsOpen => _state.CircuitState is CircuitState.Open or CircuitState.Isolated;

    /// <summary>What counts against PagerDuty: no answer, 429 and 5xx. A 400 is our fault, not an outage.</summary>
    public static bool IsFailure(Outcome<SendResult> outcome, CancellationToken caller) => outcome switch
    {
        { Result: { } result } => result.IsTransient,
        { Exception: HttpRequestException } => true,
        { Exception: OperationCanceledException } => !caller.IsCancellationRequested, // the request timed out
        _ => false,
    };
}
