using System.Text.Json;
using System.Text.Json.Serialization;
using Buquet.Actors.Worker.Handlers;

namespace Buquet.Actors.Worker.BuiltIns;

/// <summary>
/// Handlers every worker registers unless <c>buquet.worker.built-in-handlers = false</c>: for smoke tests, demos and
/// load tests. <c>buquet.echo</c> (output = input), <c>buquet.sleep</c> ({"ms": N}; with <c>"ignore_cancellation": true</c> it
/// keeps sleeping when cancelled, a misbehaving handler for fault tests), <c>buquet.fail</c>
/// ({"times": N}: attempts 1..N fail retryably, then succeeds), <c>buquet.reschedule</c> ({"times": N, "delay_s": S}:
/// reschedules while reschedule_count &lt; N, then succeeds).
/// </summary>
public static partial class BuiltInHandlers
{
    /// <summary>Task type of the echo handler.</summary>
    public const string Echo = "buquet.echo";

    /// <summary>Task type of the sleep handler.</summary>
    public const string Sleep = "buquet.sleep";

    /// <summary>Task type of the failing handler.</summary>
    public const string Fail = "buquet.fail";

    /// <summary>Task type of the rescheduling handler.</summary>
    public const string Reschedule = "buquet.reschedule";

    /// <summary>Registers the four built-ins (skipping types already registered by the application).</summary>
    /// <param name="registry">The registry.</param>
    /// <param name="timeProvider">The clock the sleep handler waits on.</param>
    /// <returns>The registry.</returns>
    public static TaskHandlerRegistry AddBuiltIns(this TaskHandlerRegistry registry, TimeProvider? timeProvider = null)
    {
        ArgumentNullException.ThrowIfNull(registry);
        var clock = timeProvider ?? TimeProvider.System;
        if (!registry.Handles(Echo))
        {
            registry.Add<JsonElement, JsonElement>(Echo, static (input, _) => Task.FromResult(input));
        }

        if (!registry.Handles(Sleep))
        {
            registry.Add<SleepInput, SleepOutput>(Sleep, async (input, ctx) =>
            {
                if (input.Ms < 0)
                {
                    throw new PermanentTaskException($"buquet.sleep: ms must not be negative, got {input.Ms}.");
                }

                await Task.Delay(TimeSpan.FromMilliseconds(input.Ms), clock, input.IgnoreCancellation ? CancellationToken.None : ctx.CancellationToken).ConfigureAwait(false);
                return new SleepOutput(input.Ms);
            });
        }

        if (!registry.Handles(Fail))
        {
            registry.Add<FailInput, AttemptOutput>(Fail, static (input, ctx) => ctx.Attempt <= input.Times
                ? throw new RetryableTaskException($"buquet.fail: attempt {ctx.Attempt} of {input.Times} failing attempts")
                : Task.FromResult(new AttemptOutput(ctx.Attempt)));
        }

        if (!registry.Handles(Reschedule))
        {
            registry.Add<RescheduleInput, AttemptOutput>(Reschedule, static (input, ctx) => ctx.RescheduleCount < input.Times
                ? throw new RescheduleTaskException(TimeSpan.FromSeconds(Math.Max(0, input.DelaySeconds)))
                : Task.FromResult(new AttemptOutput(ctx.Attempt)));
        }

        return registry;
    }

    internal sealed record SleepInput([property: JsonPropertyName("ms")] long Ms, [property: JsonPropertyName("ignore_cancellation")] bool IgnoreCancellation = false);

    internal sealed record SleepOutput([property: JsonPropertyName("slept_ms")] long SleptMs);

    internal sealed record FailInput([property: JsonPropertyName("times")] long Times);

    internal sealed record RescheduleInput([property: JsonPropertyName("times")] long Times, [property: JsonPropertyName("delay_s")] double DelaySeconds);

    internal sealed record AttemptOutput([property: JsonPropertyName("attempt")] long Attempt);
}
