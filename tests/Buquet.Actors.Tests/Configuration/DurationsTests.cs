using Buquet.Actors.Configuration;

namespace Buquet.Actors.Tests.Configuration;

public sealed class DurationsTests
{
    [Theory]
    [InlineData("250ms", 250)]
    [InlineData("30s", 30_000)]
    [InlineData("5m", 300_000)]
    [InlineData("1h", 3_600_000)]
    [InlineData("1d", 86_400_000)]
    [InlineData("1w", 604_800_000)]
    [InlineData("1.5h", 5_400_000)]
    [InlineData("10 seconds", 10_000)]
    [InlineData(" 2 minutes ", 120_000)]
    [InlineData("0", 0)]
    [InlineData("00:00:30", 30_000)]
    public void Parse_ValidDuration_ReturnsTimeSpan(string text, long milliseconds)
    {
        Assert.Equal(TimeSpan.FromMilliseconds(milliseconds), Durations.Parse(text));
    }

    [Theory]
    [InlineData("30", "the unit is missing; write e.g. 30s or 30ms")]
    [InlineData("30y", "unknown unit 'y'")]
    [InlineData("-5s", "negative")]
    [InlineData("", "empty")]
    [InlineData("soon", "expected a number with a unit")]
    public void Parse_InvalidDuration_ThrowsNamingTheText(string text, string expected)
    {
        var ex = Assert.Throws<FormatException>(() => Durations.Parse(text));

        Assert.Contains($"'{text}'", ex.Message, StringComparison.Ordinal);
        Assert.Contains(expected, ex.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(300_000, "5m")]
    [InlineData(250, "250ms")]
    [InlineData(90_000, "90s")]
    [InlineData(2_592_000_000, "30d")]
    [InlineData(0, "0s")]
    public void Format_Duration_RoundTripsThroughParse(long milliseconds, string expected)
    {
        var value = TimeSpan.FromMilliseconds(milliseconds);

        Assert.Equal(expected, Durations.Format(value));
        Assert.Equal(value, Durations.Parse(Durations.Format(value)));
    }
}
