using Buquet.Actors.Configuration;

namespace Buquet.Actors.Tests.Configuration;

public sealed class ByteSizesTests
{
    [Theory]
    [InlineData("512", 512)]
    [InlineData("256KiB", 262_144)]
    [InlineData("256K", 262_144)]
    [InlineData("1MB", 1_000_000)]
    [InlineData("1kB", 1_000)]
    [InlineData("5 MiB", 5_242_880)]
    [InlineData("1G", 1_073_741_824)]
    [InlineData("1.5KiB", 1_536)]
    public void Parse_ValidSize_ReturnsBytes(string text, long bytes)
    {
        Assert.Equal(bytes, ByteSizes.Parse(text));
    }

    [Theory]
    [InlineData("10XB", "unknown unit 'XB'")]
    [InlineData("-1KiB", "negative")]
    [InlineData("big", "expected a byte count")]
    [InlineData("0.3B", "not a whole number of bytes")]
    public void Parse_InvalidSize_ThrowsNamingTheText(string text, string expected)
    {
        var ex = Assert.Throws<FormatException>(() => ByteSizes.Parse(text));

        Assert.Contains($"'{text}'", ex.Message, StringComparison.Ordinal);
        Assert.Contains(expected, ex.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(262_144, "256KiB")]
    [InlineData(10_485_760, "10MiB")]
    [InlineData(1_000, "1000")]
    public void Format_Size_RoundTripsThroughParse(long bytes, string expected)
    {
        Assert.Equal(expected, ByteSizes.Format(bytes));
        Assert.Equal(bytes, ByteSizes.Parse(ByteSizes.Format(bytes)));
    }
}
