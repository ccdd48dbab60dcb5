using Buquet.Actors.Storage;

namespace Buquet.Actors.Tests.Storage;

public sealed class S3VersioningAdviceTests
{
    // What the start-up probe sees (docs: /work/shared/s3 README, rows b, e, g).
    private static readonly S3ProbeResult RgwVersioningOff = new(true, null, UnquotedIfMatch: true, ConditionalDelete: false, Versioning: false);
    private static readonly S3ProbeResult RgwVersioningOn = new(false, "a create-only PUT (If-None-Match: *) of an existing key overwrote it (RGW 16.2 does this with bucket versioning on).", false, false, Versioning: true);
    private static readonly S3ProbeResult AwsLikeVersioningOff = new(true, null, UnquotedIfMatch: false, ConditionalDelete: true, Versioning: false);

    [Fact]
    public void VersioningOff_RgwLikeEndpoint_SuggestsAllowNoVersioningNotEnabling()
    {
        var message = S3VersioningAdvice.VersioningOff(RgwVersioningOff, "jobs");

        Assert.Contains("Do not enable it on this endpoint", message);
        Assert.Contains("Set buquet.store.s3.allow-no-versioning = true", message);
        Assert.DoesNotContain("put-bucket-versioning", message);
        Assert.Contains("keep it off", S3VersioningAdvice.VersioningOffShort(RgwVersioningOff));
    }

    [Fact]
    public void VersioningOff_AwsLikeEndpoint_SuggestsEnablingOrAllowNoVersioning()
    {
        var message = S3VersioningAdvice.VersioningOff(AwsLikeVersioningOff, "jobs");

        Assert.Contains("Enable it (aws s3api put-bucket-versioning --bucket jobs", message);
        Assert.Contains("allow-no-versioning", message);
        Assert.StartsWith("off: enable bucket versioning", S3VersioningAdvice.VersioningOffShort(AwsLikeVersioningOff), StringComparison.Ordinal);
    }

    [Fact]
    public void VersionedCasBroken_VersioningOnAndCasBroken_SuggestsAllowNoVersioning()
    {
        Assert.Contains("allow-no-versioning = true", S3VersioningAdvice.VersionedCasBroken(RgwVersioningOn));
        Assert.Null(S3VersioningAdvice.VersionedCasBroken(RgwVersioningOff));
        Assert.Null(S3VersioningAdvice.VersionedCasBroken(AwsLikeVersioningOff with { Versioning = true }));
    }
}
