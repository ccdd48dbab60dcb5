using System.Net;
using System.Net.Sockets;
using System.Text.Json;
using Buquet.Host.Tests.Support;

namespace Buquet.Host.Tests.Cli;

/// <summary>The CLI against a real S3 endpoint (moto, started by scripts/test.sh) and against broken endpoints.</summary>
public sealed class S3CommandTests : IDisposable
{
    private readonly TempDirectory _dir = new();

    public void Dispose() => _dir.Dispose();

    [Fact]
    [Trait("Backend", "moto")]
    public async Task Moto_SubmitStatusCancelHistory_WorkEndToEnd()
    {
        var bucket = await Moto.CreateBucketAsync();
        var buquet = new BuquetProcess(_dir.Path, Moto.Environment(bucket));

        var submit = await buquet.RunAsync("submit", "-t", "s3_job", "-i", "{\"k\":1}", "--json");
        Assert.True(submit.ExitCode == 0, submit.ToString());
        using var task = JsonDocument.Parse(submit.Stdout);
        var id = task.RootElement.GetProperty("id").GetString()!;
        var status = await buquet.RunAsync("status", id, "--json");
        var cancel = await buquet.RunAsync("cancel", id);
        var history = await buquet.RunAsync("history", id, "--json");
        var list = await buquet.RunAsync("list", "--json");

        Assert.True(status.ExitCode == 0, status.ToString());
        using (var doc = JsonDocument.Parse(status.Stdout))
        {
            Assert.Equal("s3_job", doc.RootElement.GetProperty("task_type").GetString());
        }

        Assert.True(cancel.ExitCode == 0, cancel.ToString());
        Assert.Contains($"Task {id} cancelled", cancel.Stdout);
        using (var doc = JsonDocument.Parse(history.Stdout))
        {
            Assert.Equal(["cancelled", "pending"], doc.RootElement.EnumerateArray().Select(v => v.GetProperty("status").GetString()).ToList());
        }

        using (var doc = JsonDocument.Parse(list.Stdout))
        {
            Assert.Equal(id, Assert.Single(doc.RootElement.GetProperty("tasks").EnumerateArray()).GetProperty("id").GetString());
        }

        Assert.False(Directory.Exists(_dir.StorePath), "an S3 run must not touch the local store");
    }

    [Fact]
    [Trait("Backend", "moto")]
    public async Task Moto_Doctor_PassesOnVersionedBucket()
    {
        var bucket = await Moto.CreateBucketAsync();

        var run = await new BuquetProcess(_dir.Path, Moto.Environment(bucket)).RunAsync("doctor");

        Assert.True(run.ExitCode == 0, run.ToString());
        Assert.Contains("✓ versioning: enabled", run.Stdout);
        Assert.Contains("✓ 16 racing creates", run.Stdout);
        Assert.Contains("All checks passed!", run.Stdout);
        using var s3 = Moto.Client();
        var left = await s3.ListObjectsV2Async(new Amazon.S3.Model.ListObjectsV2Request { BucketName = bucket, Prefix = ".doctor-test/" });
        Assert.Empty(left.S3Objects ?? []);
    }

    [Fact]
    [Trait("Backend", "moto")]
    public async Task Moto_MissingBucket_ExitsTwoWithCreateSuggestion()
    {
        var env = Moto.Environment("no-such-bucket-" + Guid.NewGuid().ToString("N")[..12]);

        var run = await new BuquetProcess(_dir.Path, env).RunAsync("list");

        Assert.Equal(2, run.ExitCode);
        Assert.Contains("NoSuchBucket", run.Stderr);
        Assert.Contains("Suggestion: Create the bucket", run.Stderr);
    }

    [Fact]
    [Trait("Backend", "moto")]
    public async Task Moto_BucketWithoutVersioning_ExitsTwoUnlessAllowed()
    {
        var bucket = await Moto.CreateBucketAsync(versioning: false);
        var env = Moto.Environment(bucket);

        var refused = await new BuquetProcess(_dir.Path, env).RunAsync("submit", "-t", "x");
        env["BUQUET_ALLOW_NO_VERSIONING"] = "true";
        var allowed = await new BuquetProcess(_dir.Path, env).RunAsync("submit", "-t", "x");

        Assert.Equal(2, refused.ExitCode);
        Assert.Contains("does not have versioning enabled", refused.Stderr);
        Assert.Contains("Suggestion: Enable bucket versioning", refused.Stderr);
        Assert.True(allowed.ExitCode == 0, allowed.ToString());
    }

    [Fact]
    public async Task UnreachableEndpoint_ExitsTwoWithReachabilitySuggestion()
    {
        var env = new Dictionary<string, string> { ["AWS_ACCESS_KEY_ID"] = "k", ["AWS_SECRET_ACCESS_KEY"] = "s" };

        var run = await new BuquetProcess(_dir.Path, env).RunAsync("status", Guid.NewGuid().ToString(), "--endpoint", $"http://127.0.0.1:{ClosedPort()}", "--bucket", "some-bucket");

        Assert.Equal(2, run.ExitCode);
        Assert.Contains("Error: ", run.Stderr);
        Assert.Contains("Suggestion: Check that the endpoint is reachable", run.Stderr);
    }

    [Fact]
    public async Task InvalidBucketName_ExitsOneNamingIt()
    {
        var run = await new BuquetProcess(_dir.Path).RunAsync("list", "--bucket", "Bad_Bucket", "--endpoint", "http://127.0.0.1:9");

        Assert.Equal(1, run.ExitCode);
        Assert.Contains("Bucket name 'Bad_Bucket'", run.Stderr);
    }

    private static int ClosedPort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop();
        return port;
    }
}
