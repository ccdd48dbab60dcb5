using System.Globalization;

namespace Buquet.Actors.Scheduling.Planning;

/// <summary>How a tick treats cron slots that were missed (scheduler down, schedule disabled, slow ticks).</summary>
public enum CatchUpMode
{
    /// <summary>buquet's behaviour: any backlog collapses into one run keyed by the <b>first</b> missed slot.</summary>
    None,

    /// <summary>One run keyed by the <b>latest</b> due slot; older missed slots are dropped.</summary>
    Latest,

    /// <summary>One run per missed slot, oldest first, for at most the newest <see cref="CatchUpPolicy.MaxSlots"/>.</summary>
    All,
}

/// <summary>
/// The catch-up policy of a schedule. <see cref="None"/> (the default) is what buquet peers do, so a mixed fleet
/// derives the same idempotency key for a backlog; <see cref="Latest"/> and <see cref="All"/> key runs by other
/// slots and are for fleets where only Buquet.Actors schedulers tick.
/// </summary>
public sealed record CatchUpPolicy
{
    /// <summary>The largest bound accepted by <see cref="All"/>.</summary>
    public const int MaxBound = 1000;

    /// <summary>The bound used by <see cref="Parse"/> for a bare <c>all</c>.</summary>
    /// <value>The default is 24.</value>
    public const int DefaultAllBound = 24;

    private CatchUpPolicy(CatchUpMode mode, int maxSlots)
    {
        Mode = mode;
        MaxSlots = maxSlots;
    }

    /// <summary>The mode.</summary>
    public CatchUpMode Mode { get; }

    /// <summary>The most runs one tick starts (1 for <see cref="CatchUpMode.None"/> and <see cref="CatchUpMode.Latest"/>).</summary>
    public int MaxSlots { get; }

    /// <summary>buquet-compatible (default): one run for the backlog, keyed by the first missed slot.</summary>
    public static CatchUpPolicy None { get; } = new(CatchUpMode.None, 1);

    /// <summary>One run for the backlog, keyed by the latest due slot.</summary>
    public static CatchUpPolicy Latest { get; } = new(CatchUpMode.Latest, 1);

    /// <summary>One run per missed slot, at most the newest <paramref name="maxSlots"/> of them.</summary>
    /// <param name="maxSlots">1 to <see cref="MaxBound"/>.</param>
    /// <returns>The policy.</returns>
    public static CatchUpPolicy All(int maxSlots)
    {
        if (maxSlots is < 1 or > MaxBound)
        {
            throw new ArgumentOutOfRangeException(
                nameof(maxSlots), maxSlots, $"The catch-up bound must be between 1 and {MaxBound}; got {maxSlots}.");
        }

        return new CatchUpPolicy(CatchUpMode.All, maxSlots);
    }

    /// <summary>Parses <c>none</c>, <c>latest</c>, <c>all</c> or <c>all:N</c> (case-insensitive).</summary>
    /// <param name="text">The text.</param>
    /// <returns>The policy.</returns>
    /// <exception cref="FormatException">The text is none of these; the message names it.</exception>
    public static CatchUpPolicy Parse(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var t = text.Trim();
        if (t.Equals("none", StringComparison.OrdinalIgnoreCase))
        {
            return None;
        }

        if (t.Equals("latest", StringComparison.OrdinalIgnoreCase))
        {
            return Latest;
        }

        if (t.Equals("all", StringComparison.OrdinalIgnoreCase))
        {
            return All(DefaultAllBound);
        }

        if (t.StartsWith("all:", StringComparison.OrdinalIgnoreCase)
            && int.TryParse(t.AsSpan(4), NumberStyles.None, CultureInfo.InvariantCulture, out var bound)
            && bound is >= 1 and <= MaxBound)
        {
            return All(bound);
        }

        throw new FormatException(
            $"Invalid catch-up policy \"{text}\": expected none, latest, all or all:N with N from 1 to {MaxBound}.");
    }

    /// <inheritdoc />
    public override string ToString() => Mode switch
    {
        CatchUpMode.All => $"all:{MaxSlots.ToString(CultureInfo.InvariantCulture)}",
        CatchUpMode.Latest => "latest",
        _ => "none",
    };
}
