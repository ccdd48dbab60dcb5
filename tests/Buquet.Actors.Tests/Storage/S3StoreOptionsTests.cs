using Amazon.Runtime;
using Buquet.Actors.Storage;

namespace Buquet.Actors.Tests.Storage;

public sealed class S3StoreOptionsTests
{
    [Theory]
    [InlineData("my-bucket")]
    [InlineData("abc")]
    [InlineData("a.b-c.123")]
    [InlineData("bq-rgw-0123456789abcdef0123456789abcdef")]
    public void ValidateBucketName_ValidName_DoesNotThrow(string bucket) => S3StoreOptions.ValidateBucketName(bucket);

    [Theory]
    [InlineData("", "is empty")]
    [InlineData("ab", "3 to 63")]
    [InlineData("My-Bucket", "lowercase")]
    [InlineData("under_score", "lowercase")]
    [InlineData("-leading", "begin and end")]
    [InlineData("trailing.", "begin and end")]
    [InlineData("a..b", "'..'")]
    [InlineData("a.-b", "'.-'")]
    [InlineData("192.168.1.1", "IP address")]
    [InlineData("xn--bucket", "xn--")]
    [InlineData("bucket-s3alias", "-s3alias")]
    public void ValidateBucketName_InvalidName_ThrowsNamingNameAndRule(string bucket, string rule)
    {
        var e = Assert.Throws<ArgumentException>(() => S3StoreOptions.ValidateBucketName(bucket));
        Assert.Contains($"'{bucket}'", e.Message, StringComparison.Ordinal);
        Assert.Contains(rule, e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void ValidateBucketName_64Characters_Throws() =>
        Assert.Throws<ArgumentException>(() => S3StoreOptions.ValidateBucketName(new string('a', 64)));

    [Fact]
    public void Validate_OnlyAccessKey_ThrowsNamingSecretKey()
    {
        var e = Assert.Throws<ArgumentException>(() => new S3StoreOptions { Bucket = "b-1", AccessKey = "ak" }.Validate());
        Assert.Equal("SecretKey", e.ParamName);
    }

    [Fact]
    public void Validate_SessionTokenWithoutKeys_ThrowsNamingSessionToken()
    {
        var e = Assert.Throws<ArgumentException>(() => new S3StoreOptions { Bucket = "b-1", SessionToken = "st" }.Validate());
        Assert.Equal("SessionToken", e.ParamName);
    }

    [Fact]
    public void Credentials_KeysWithSessionToken_AreTemporaryCredentialsCarryingTheToken()
    {
        var temporary = S3ObjectStore.Credentials(new S3StoreOptions { Bucket = "b-1", AccessKey = "ak", SecretKey = "sk", SessionToken = "st" })!.GetCredentials();
        var longTerm = S3ObjectStore.Credentials(new S3StoreOptions { Bucket = "b-1", AccessKey = "ak", SecretKey = "sk" })!.GetCredentials();

        Assert.Equal(("ak", "sk", "st"), (temporary.AccessKey, temporary.SecretKey, temporary.Token));
        Assert.True(string.IsNullOrEmpty(longTerm.Token));
        Assert.Null(S3ObjectStore.Credentials(new S3StoreOptions { Bucket = "b-1" }));
    }

    [Fact]
    public void Validate_RelativeServiceUrl_ThrowsNamingIt()
    {
        var e = Assert.Throws<ArgumentException>(() => new S3StoreOptions { Bucket = "b-1", ServiceUrl = "localhost:9000" }.Validate());
        Assert.Contains("localhost:9000", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Validate_ZeroAttempts_ThrowsNamingMaxAttempts() =>
        Assert.Equal("MaxAttempts", Assert.Throws<ArgumentException>(() => new S3StoreOptions { Bucket = "b-1", MaxAttempts = 0 }.Validate()).ParamName);

    [Fact]
    public void BuildConfig_CustomEndpoint_ChecksumsWhenRequiredNoSdkRetriesPathStyle()
    {
        var config = S3ObjectStore.BuildConfig(new S3StoreOptions { Bucket = "b-1", ServiceUrl = "http://127.0.0.1:7480", Region = "eu-west-3", RequestTimeout = TimeSpan.FromSeconds(7) });
        Assert.Equal(RequestChecksumCalculation.WHEN_REQUIRED, config.RequestChecksumCalculation);
        Assert.Equal(ResponseChecksumValidation.WHEN_REQUIRED, config.ResponseChecksumValidation);
        Assert.Equal(0, config.MaxErrorRetry);
        Assert.True(config.ForcePathStyle);
        Assert.Equal("eu-west-3", config.AuthenticationRegion);
        Assert.Equal(TimeSpan.FromSeconds(7), config.Timeout);
    }

    [Fact]
    public void BuildConfig_NoEndpoint_UsesRegionAndVirtualHostedStyle()
    {
        var config = S3ObjectStore.BuildConfig(new S3StoreOptions { Bucket = "b-1", Region = "eu-west-3" });
        Assert.Equal(Amazon.RegionEndpoint.EUWest3, config.RegionEndpoint);
        Assert.False(config.ForcePathStyle);
    }
}
