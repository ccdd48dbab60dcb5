using Buquet.Actors.Configuration;
using Buquet.Actors.Worker;
using Buquet.Actors.Worker.Pollers;

namespace Buquet.Actors.Tests.Worker.Pollers;

public sealed class PollIntervalTests
{
    private static PollingSettings Adaptive(double jitter = 0) =>
        new(PollingStrategy.Adaptive, TimeSpan.FromMilliseconds(100), TimeSpan.FromSeconds(5), 2.0, TimeSpan.FromMilliseconds(500), jitter);

    [Fact]
    public void NextIdle_Adaptive_GrowsByMultiplierUpToMax()
    {
        var interval = new PollInterval(Adaptive(), () => 0.5);
        var sleeps = Enumerable.Range(0, 8).Select(_ => interval.NextIdle().TotalMilliseconds).ToArray();

        Assert.Equal([100, 200, 400, 800, 1600, 3200, 5000, 5000], sleeps);
    }

    [Fact]
    public void Reset_AfterWork_BackToMinimum()
    {
        var interval = new PollInterval(Adaptive(), () => 0.5);
        interval.NextIdle();
        interval.NextIdle();

        interval.Reset();

        Assert.Equal(TimeSpan.FromMilliseconds(100), interval.NextIdle());
    }

    [Fact]
    public void NextAfterError_DoesNotGrow()
    {
        var interval = new PollInterval(Adaptive(), () => 0.5);
        interval.NextIdle();

        Assert.Equal(TimeSpan.FromMilliseconds(200), interval.NextAfterError());
        Assert.Equal(TimeSpan.FromMilliseconds(200), interval.NextAfterError());
    }

    [Fact]
    public void Jitter_SpreadsWithinFraction()
    {
        var low = new PollInterval(Adaptive(0.1), () => 0.0).NextIdle();
        var high = new PollInterval(Adaptive(0.1), () => 0.999999).NextIdle();

        Assert.Equal(90, low.TotalMilliseconds, 3);
        Assert.Equal(110, high.TotalMilliseconds, 0);
    }

    [Fact]
    public void Fixed_AlwaysTheInterval()
    {
        var interval = new PollInterval(Adaptive() with { Strategy = PollingStrategy.Fixed }, () => 0.5);

        Assert.Equal(TimeSpan.FromMilliseconds(500), interval.NextIdle());
        Assert.Equal(TimeSpan.FromMilliseconds(500), interval.NextIdle());
    }
}
