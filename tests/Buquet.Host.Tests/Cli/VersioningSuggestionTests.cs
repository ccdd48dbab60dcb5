using Buquet.Actors.Storage;
using Buquet.Host.Tests.Support;

namespace Buquet.Host.Tests.Cli;

/// <summary>On an RGW-like endpoint the CLI never suggests enabling versioning (it breaks conditional writes there).</summary>
public sealed class VersioningSuggestionTests
{
    [Fact]
    public async Task StoreRefused_RgwLikeVersioningOff_SuggestsAllowNoVersioning()
    {
        var probe = new S3ProbeResult(true, null, UnquotedIfMatch: true, ConditionalDelete: false, Versioning: false);
        var refusal = S3VersioningAdvice.VersioningOffRefusal(probe, "jobs");

        var run = await InProcessCli.RunAsync(["list"], (_, _) => throw refusal);

        Assert.Equal(2, run.ExitCode);
        Assert.Contains("Suggestion: Set buquet.store.s3.allow-no-versioning = true", run.Stderr);
        Assert.DoesNotContain("Enable bucket versioning", run.Stderr);
    }

    [Fact]
    public async Task StoreRefused_AwsLikeVersioningOff_SuggestsEnablingVersioning()
    {
        var probe = new S3ProbeResult(true, null, UnquotedIfMatch: false, ConditionalDelete: true, Versioning: false);
        var refusal = S3VersioningAdvice.VersioningOffRefusal(probe, "jobs");

        var run = await InProcessCli.RunAsync(["list"], (_, _) => throw refusal);

        Assert.Contains("Suggestion: Enable bucket versioning", run.Stderr);
    }

    [Fact]
    public async Task StoreRefused_VersionedRgwCasBroken_SuggestsAllowNoVersioning()
    {
        var probe = new S3ProbeResult(false, "If-Match with the current ETag got 412 in both quoted and unquoted form (RGW 16.2 does this with bucket versioning on).", false, false, Versioning: true);
        var refusal = S3VersioningAdvice.CasBrokenRefusal(probe, "jobs", "http://rgw:7480");

        var run = await InProcessCli.RunAsync(["list"], (_, _) => throw refusal);

        Assert.Contains("Suggestion: Set buquet.store.s3.allow-no-versioning = true", run.Stderr);
    }
}
