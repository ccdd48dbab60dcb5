using Buquet.Actors.Configuration;

namespace Buquet.Actors.Tests.Configuration;

public sealed class KebabCaseTests
{
    [Theory]
    [InlineData("ShardPrefixLength", "shard-prefix-length")]
    [InlineData("S3", "s3")]
    [InlineData("BuiltInHandlers", "built-in-handlers")]
    [InlineData("OnDemand", "on-demand")]
    [InlineData("OtlpEndpoint", "otlp-endpoint")]
    [InlineData("IndexOnly", "index-only")]
    [InlineData("Id", "id")]
    public void FromPascal_PropertyName_ReturnsHoconKey(string property, string key)
    {
        Assert.Equal(key, KebabCase.FromPascal(property));
    }

    [Theory]
    [InlineData("SHARD_LEASING", "shard-leasing")]
    [InlineData("ShardLeasing", "shard-leasing")]
    [InlineData("shard-leasing", "shard-leasing")]
    [InlineData("WORKER", "worker")]
    public void SegmentToKebab_EnvironmentOrPascalSegment_ReturnsKebab(string segment, string expected)
    {
        Assert.Equal(expected, KebabCase.SegmentToKebab(segment));
    }
}
