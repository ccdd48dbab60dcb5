using System.Globalization;

namespace Buquet.Actors.Hosting;

/// <summary>
/// A <see cref="TimeProvider"/> whose wall clock (<see cref="GetUtcNow"/>) is shifted by a fixed offset while its
/// monotonic clock and timers are the inner provider's: a process whose system clock is set wrong. Test-only fault
/// injection for skewed workers, enabled by <see cref="EnvironmentVariable"/> (INTERNAL API).
/// </summary>
internal sealed class OffsetTimeProvider(TimeProvider inner, TimeSpan offset) : TimeProvider
{
    /// <summary>
    /// <c>BUQUET_DEBUG_LOCAL_CLOCK_OFFSET</c>: a signed duration (<c>-5m</c>, <c>+90s</c>, <c>2m</c>) added to the worker's
    /// local wall clock. For fault-injection tests only: task-state decisions use the store's clock, so with an S3 store a
    /// skewed worker must behave exactly like a correct one; with the local-directory store the process clock is the
    /// store's clock, so the offset shifts the store too.
    /// </summary>
    public const string EnvironmentVariable = "BUQUET_DEBUG_LOCAL_CLOCK_OFFSET";

    /// <summary>The offset added to the inner wall clock.</summary>
    public TimeSpan Offset { get; } = offset;

    /// <inheritdoc />
    public override DateTimeOffset GetUtcNow() => inner.GetUtcNow() + Offset;

    /// <inheritdoc />
    public override long GetTimestamp() => inner.GetTimestamp();

    /// <inheritdoc />
    public override long TimestampFrequency => inner.TimestampFrequency;

    /// <inheritdoc />
    public override TimeZoneInfo LocalTimeZone => inner.LocalTimeZone;

    /// <inheritdoc />
    public override ITimer CreateTimer(TimerCallback callback, object? state, TimeSpan dueTime, TimeSpan period) =>
        inner.CreateTimer(callback, state, dueTime, period);

    /// <summary>
    /// <paramref name="time"/> shifted by <paramref name="value"/> (the variable's value), or <paramref name="time"/> itself
    /// when the value is null or empty.
    /// </summary>
    /// <exception cref="ArgumentException">The value is not a signed duration; the message names it.</exception>
    public static TimeProvider Apply(TimeProvider time, string? value)
    {
        ArgumentNullException.ThrowIfNull(time);
        if (string.IsNullOrWhiteSpace(value))
        {
            return time;
        }

        var text = value.Trim();
        var sign = 1;
        if (text[0] is '+' or '-')
        {
            sign = text[0] == '-' ? -1 : 1;
            text = text[1..].Trim();
        }

        TimeSpan magnitude;
        try
        {
            magnitude = Configuration.Durations.Parse(text);
        }
        catch (Exception e) when (e is FormatException or ArgumentException or OverflowException)
        {
            throw new ArgumentException(string.Create(CultureInfo.InvariantCulture, $"{EnvironmentVariable} = '{value}' is not a signed duration like -5m or +90s."), nameof(value), e);
        }

        return magnitude == TimeSpan.Zero ? time : new OffsetTimeProvider(time, magnitude * sign);
    }
}
