using Buquet.Actors.Configuration;

namespace Buquet.Actors.Worker.Pollers;

/// <summary>Adaptive or fixed polling cadence with jitter from injected randomness (actor-confined).</summary>
internal sealed class PollInterval(PollingSettings settings, Func<double> random)
{
    private TimeSpan _current = settings.Strategy == PollingStrategy.Fixed ? settings.FixedInterval : settings.MinInterval;

    public TimeSpan Current => _current;

    /// <summary>Work was found: back to the minimum.</summary>
    public void Reset()
    {
        if (settings.Strategy == PollingStrategy.Adaptive)
        {
            _current = settings.MinInterval;
        }
    }

    /// <summary>An empty poll: the jittered sleep, then the interval grows (×multiplier, capped at the maximum).</summary>
    public TimeSpan NextIdle()
    {
        var sleep = Jittered(_current);
        if (settings.Strategy == PollingStrategy.Adaptive)
        {
            var grown = _current * settings.Multiplier;
            _current = grown > settings.MaxInterval ? settings.MaxInterval : grown;
        }

        return sleep;
    }

    /// <summary>A failed poll: sleep the jittered current interval without growing it.</summary>
    public TimeSpan NextAfterError() => Jittered(_current);

    /// <summary>Any interval with the configured jitter.</summary>
    public TimeSpan Jittered(TimeSpan interval)
    {
        var j = Math.Clamp(settings.Jitter, 0, 1);
        return j == 0 ? interval : interval * (1 + (j * ((2 * random()) - 1)));
    }
}
