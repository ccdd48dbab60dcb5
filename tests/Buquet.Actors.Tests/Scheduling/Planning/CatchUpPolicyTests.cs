using Buquet.Actors.Scheduling.Planning;

namespace Buquet.Actors.Tests.Scheduling.Planning;

public sealed class CatchUpPolicyTests
{
    [Theory]
    [InlineData("none", CatchUpMode.None, 1)]
    [InlineData("Latest", CatchUpMode.Latest, 1)]
    [InlineData("all", CatchUpMode.All, CatchUpPolicy.DefaultAllBound)]
    [InlineData("ALL:7", CatchUpMode.All, 7)]
    [InlineData(" all:1000 ", CatchUpMode.All, 1000)]
    public void Parse_ValidText_ReturnsPolicy(string text, CatchUpMode mode, int max)
    {
        var policy = CatchUpPolicy.Parse(text);

        Assert.Equal(mode, policy.Mode);
        Assert.Equal(max, policy.MaxSlots);
    }

    [Theory]
    [InlineData("some")]
    [InlineData("all:0")]
    [InlineData("all:1001")]
    [InlineData("all:x")]
    [InlineData("")]
    public void Parse_InvalidText_ThrowsQuotingIt(string text)
    {
        var e = Assert.Throws<FormatException>(() => CatchUpPolicy.Parse(text));

        Assert.Contains($"\"{text}\"", e.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(1001)]
    public void All_BoundOutOfRange_Throws(int bound) =>
        Assert.Throws<ArgumentOutOfRangeException>(() => CatchUpPolicy.All(bound));

    [Fact]
    public void ToString_RoundTripsThroughParse()
    {
        foreach (var policy in new[] { CatchUpPolicy.None, CatchUpPolicy.Latest, CatchUpPolicy.All(12) })
        {
            Assert.Equal(policy, CatchUpPolicy.Parse(policy.ToString()));
        }
    }

    [Fact]
    public void Default_IsBuquetCompatibleNone() =>
        Assert.Equal(CatchUpPolicy.None, SchedulePlanOptions.Default.CatchUp);
}
