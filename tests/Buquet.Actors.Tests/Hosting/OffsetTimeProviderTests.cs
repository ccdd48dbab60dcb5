using Buquet.Actors.Hosting;
using Microsoft.Extensions.Time.Testing;

namespace Buquet.Actors.Tests.Hosting;

public sealed class OffsetTimeProviderTests
{
    [Theory]
    [InlineData("-5m", -300)]
    [InlineData("+90s", 90)]
    [InlineData("2m", 120)]
    public void Apply_SignedDuration_ShiftsWallClockOnly(string value, int seconds)
    {
        var inner = new FakeTimeProvider(new DateTimeOffset(2026, 11, 24, 0, 0, 0, TimeSpan.Zero));

        var skewed = OffsetTimeProvider.Apply(inner, value);

        Assert.Equal(inner.GetUtcNow().AddSeconds(seconds), skewed.GetUtcNow());
        var before = skewed.GetTimestamp();
        inner.Advance(TimeSpan.FromSeconds(3));
        Assert.Equal(TimeSpan.FromSeconds(3), skewed.GetElapsedTime(before));
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("0")]
    public void Apply_UnsetOrZero_ReturnsTheSameProvider(string? value)
    {
        var inner = new FakeTimeProvider();

        Assert.Same(inner, OffsetTimeProvider.Apply(inner, value));
    }

    [Fact]
    public void Apply_NotADuration_ThrowsNamingVariableAndValue()
    {
        var e = Assert.Throws<ArgumentException>(() => OffsetTimeProvider.Apply(TimeProvider.System, "five minutes ago"));

        Assert.Contains("BUQUET_DEBUG_LOCAL_CLOCK_OFFSET", e.Message, StringComparison.Ordinal);
        Assert.Contains("five minutes ago", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Timers_RunOnTheInnerClock()
    {
        var inner = new FakeTimeProvider();
        var skewed = OffsetTimeProvider.Apply(inner, "-10m");

        var delay = Task.Delay(TimeSpan.FromSeconds(5), skewed);
        Assert.False(delay.IsCompleted);
        inner.Advance(TimeSpan.FromSeconds(5));

        await delay.WaitAsync(TimeSpan.FromSeconds(10));
    }
}
