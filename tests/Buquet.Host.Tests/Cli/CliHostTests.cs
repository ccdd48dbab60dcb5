using Buquet.Actors.Protocol;
using Buquet.Actors.Storage;
using Buquet.Host.Tests.Support;

namespace Buquet.Host.Tests.Cli;

/// <summary>How failures of the store map to exit codes and messages (in process: the store is replaced).</summary>
public sealed class CliHostTests
{
    [Fact]
    public async Task StoreUnavailable_ExitsTwoWithReachabilitySuggestion()
    {
        var run = await InProcessCli.RunAsync(["list"], (_, _) => throw new ObjectStoreUnavailableException("GET 'tasks/0/': connection reset"));

        Assert.Equal(2, run.ExitCode);
        Assert.Contains("Error: The store did not answer: GET 'tasks/0/': connection reset", run.Stderr);
        Assert.Contains("Suggestion: Check that the endpoint is reachable", run.Stderr);
    }

    [Fact]
    public async Task MalformedTaskObject_ExitsTwoNamingTheKey()
    {
        var store = new InMemoryObjectStore();
        var id = Guid.NewGuid();
        var key = TaskKeys.Task(ShardSpace.For(1).ShardOf(id), id);
        await store.PutAsync(key, "{\"id\": 12"u8.ToArray(), PutCondition.None);

        var run = await InProcessCli.RunAsync(["status", id.ToString()], (_, _) => Task.FromResult<IObjectStore>(store));

        Assert.Equal(2, run.ExitCode);
        Assert.Contains(key, run.Stderr);
        Assert.Contains("Suggestion: ", run.Stderr);
    }

    [Fact]
    public async Task StoreRefusedAtOpen_ExitsTwo()
    {
        var run = await InProcessCli.RunAsync(["status", Guid.NewGuid().ToString(), "--json"], (_, _) => throw new ObjectStoreConfigurationException("Bucket 'b' is not usable: HTTP 404 NoSuchBucket", StoreConfigurationProblem.BucketMissing));

        Assert.Equal(2, run.ExitCode);
        Assert.Contains("\"exit_code\": 2", run.Stdout);
        Assert.Contains("Suggestion: Create the bucket", run.Stderr);
    }

    [Theory]
    [InlineData(StoreConfigurationProblem.BucketMissing, "Create the bucket")]
    [InlineData(StoreConfigurationProblem.Unreachable, "Check that the endpoint is reachable")]
    [InlineData(StoreConfigurationProblem.LocalStoreMissing, "Check --local-path")]
    [InlineData(StoreConfigurationProblem.OldLocalLayout, "the old layout is not read")]
    [InlineData(StoreConfigurationProblem.VersioningBreaksConditionalWrites, "do not enable versioning on this endpoint")]
    [InlineData(StoreConfigurationProblem.VersioningOff, "Enable bucket versioning")]
    [InlineData(StoreConfigurationProblem.Unspecified, "the credentials (AWS_ACCESS_KEY_ID")]
    public async Task StoreRefusedAtOpen_Problem_SuggestionFromTheProblemNotTheMessage(StoreConfigurationProblem problem, string suggestion)
    {
        // The same message every time: the suggestion follows the typed problem only.
        var run = await InProcessCli.RunAsync(["list"], (_, _) => throw new ObjectStoreConfigurationException("Bucket 'b' is not usable: NoSuchBucket refused timed out", problem));

        Assert.Equal(2, run.ExitCode);
        Assert.Contains("Suggestion: ", run.Stderr);
        Assert.Contains(suggestion, run.Stderr);
    }
}
