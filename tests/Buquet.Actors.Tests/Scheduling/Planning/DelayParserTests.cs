using Buquet.Actors.Scheduling.Planning;

namespace Buquet.Actors.Tests.Scheduling.Planning;

public sealed class DelayParserTests
{
    [Theory]
    [InlineData("30s", 30)]
    [InlineData("5m", 300)]
    [InlineData("1h", 3600)]
    [InlineData("1d", 86400)]
    [InlineData("1w", 604800)]
    [InlineData("90", 90)]
    [InlineData("0", 0)]
    [InlineData("10sec", 10)]
    [InlineData("10 secs", 10)]
    [InlineData("1second", 1)]
    [InlineData("2 seconds", 2)]
    [InlineData("3min", 180)]
    [InlineData("3 mins", 180)]
    [InlineData("1minute", 60)]
    [InlineData("2minutes", 120)]
    [InlineData("2hr", 7200)]
    [InlineData("2hrs", 7200)]
    [InlineData("1 hour", 3600)]
    [InlineData("3hours", 10800)]
    [InlineData("1day", 86400)]
    [InlineData("2 days", 172800)]
    [InlineData("1week", 604800)]
    [InlineData("2weeks", 1209600)]
    [InlineData("1H", 3600)]
    [InlineData(" 45s ", 45)]
    [InlineData("1h30m", 5400)]
    [InlineData("1d 12h", 129600)]
    [InlineData("1w2d3h4m5s", 788645)]
    public void Parse_ValidDelay_ReturnsSeconds(string text, long seconds) =>
        Assert.Equal(TimeSpan.FromSeconds(seconds), DelayParser.Parse(text));

    [Theory]
    [InlineData("", "Invalid delay \"\"")]
    [InlineData("   ", "Invalid delay")]
    [InlineData("abc", "Invalid delay \"abc\"")]
    [InlineData("5x", "unknown unit \"x\"")]
    [InlineData("5ms", "unknown unit \"ms\"")]
    [InlineData("-5s", "Invalid delay \"-5s\"")]
    [InlineData("1.5h", "Invalid delay \"1.5h\"")]
    [InlineData("1h30", "\"30\" has no unit")]
    [InlineData("99999999999999999999s", "Invalid delay")]
    [InlineData("99999999999w", "too large")]
    public void Parse_InvalidDelay_ThrowsQuotingTheText(string text, string expected)
    {
        var e = Assert.Throws<FormatException>(() => DelayParser.Parse(text));

        Assert.Contains(expected, e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void TryParse_Invalid_ReturnsFalse()
    {
        Assert.False(DelayParser.TryParse("soon", out var delay));
        Assert.Equal(TimeSpan.Zero, delay);
        Assert.False(DelayParser.TryParse(null, out _));
    }

    [Fact]
    public void TryParse_Valid_ReturnsTrue()
    {
        Assert.True(DelayParser.TryParse("5m", out var delay));
        Assert.Equal(TimeSpan.FromMinutes(5), delay);
    }
}
