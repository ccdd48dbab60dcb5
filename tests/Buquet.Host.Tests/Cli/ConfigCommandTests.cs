using System.Text.Json;
using Buquet.Host.Tests.Support;

namespace Buquet.Host.Tests.Cli;

public sealed class ConfigCommandTests : IDisposable
{
    private readonly TempDirectory _dir = new();

    public void Dispose() => _dir.Dispose();

    [Fact]
    public async Task ConfigValidate_SeveralBadSettings_ListsEveryErrorAndExitsOne()
    {
        await File.WriteAllTextAsync(Path.Combine(_dir.Path, "bad.conf"), "buquet.worker.concurrency = 0\nbuquet.queue.shard-prefix-length = 7\n");

        var run = await new BuquetProcess(_dir.Path).RunAsync("config", "validate", "--config", "bad.conf");
        var json = await new BuquetProcess(_dir.Path).RunAsync("config", "validate", "--config", "bad.conf", "--json");

        Assert.Equal(1, run.ExitCode);
        Assert.Contains("Error: buquet.worker.concurrency", run.Stderr);
        Assert.Contains("Error: buquet.queue.shard-prefix-length", run.Stderr);
        Assert.Contains("Suggestion: ", run.Stderr);
        Assert.Equal(1, json.ExitCode);
        using var doc = JsonDocument.Parse(json.Stdout);
        Assert.False(doc.RootElement.GetProperty("valid").GetBoolean());
        Assert.Equal(2, doc.RootElement.GetProperty("errors").GetArrayLength());
    }

    [Fact]
    public async Task ConfigValidate_Defaults_IsValid()
    {
        var run = await new BuquetProcess(_dir.Path).RunAsync("config", "validate");

        Assert.True(run.ExitCode == 0, run.ToString());
        Assert.Contains("Configuration is valid.", run.Stdout);
    }

    [Fact]
    public async Task ConfigValidate_HoconSyntaxError_ExitsOneWithLineNumber()
    {
        await File.WriteAllTextAsync(Path.Combine(_dir.Path, "broken.conf"), "buquet {\n  worker {\n    concurrency = \n");

        var run = await new BuquetProcess(_dir.Path).RunAsync("config", "validate", "--config", "broken.conf");

        Assert.Equal(1, run.ExitCode);
        Assert.Contains("broken.conf", run.Stderr);
        Assert.Matches(@"line \d+|:\d+", run.Stderr);
    }

    [Fact]
    public async Task ConfigValidate_MissingConfigFile_ExitsOne()
    {
        var run = await new BuquetProcess(_dir.Path).RunAsync("config", "validate", "--config", "nope.conf");

        Assert.Equal(1, run.ExitCode);
        Assert.Contains("nope.conf", run.Stderr);
        Assert.Contains("Suggestion: Check the path given to --config", run.Stderr);
    }

    [Fact]
    public async Task ConfigShow_SecretFromEnvironment_IsRedactedAndLayered()
    {
        var env = new Dictionary<string, string> { ["AWS_SECRET_ACCESS_KEY"] = "very-secret-value", ["S3_BUCKET"] = "my-queue" };

        var run = await new BuquetProcess(_dir.Path, env).RunAsync("config", "show", "--json");

        Assert.True(run.ExitCode == 0, run.ToString());
        Assert.DoesNotContain("very-secret-value", run.Stdout);
        using var doc = JsonDocument.Parse(run.Stdout);
        var settings = doc.RootElement.GetProperty("settings").EnumerateArray().ToDictionary(s => s.GetProperty("key").GetString()!);
        Assert.True(settings["buquet.store.s3.secret-key"].GetProperty("redacted").GetBoolean());
        Assert.Equal("my-queue", settings["buquet.store.s3.bucket"].GetProperty("value").GetString());
        Assert.Contains("environment", settings["buquet.store.s3.bucket"].GetProperty("layer").GetString());
    }

    [Fact]
    public async Task ConfigShow_BucketFlag_OverridesEnvironment()
    {
        var env = new Dictionary<string, string> { ["S3_BUCKET"] = "from-env" };

        var run = await new BuquetProcess(_dir.Path, env).RunAsync("config", "show", "--bucket", "from-flag");

        Assert.True(run.ExitCode == 0, run.ToString());
        Assert.Matches("buquet.store.s3.bucket = \"from-flag\"\\s+# command line", run.Stdout);
    }
}
