using System.Text.Json;
using Buquet.Actors.Protocol;
using Buquet.Actors.Protocol.Json;
using Buquet.Actors.Storage;
using Buquet.Host.Tests.Support;

namespace Buquet.Host.Tests.Cli;

public sealed class SubmitCommandTests : IDisposable
{
    private readonly TempDirectory _dir = new();
    private readonly BuquetProcess _buquet;

    public SubmitCommandTests() => _buquet = new BuquetProcess(_dir.Path);

    public void Dispose() => _dir.Dispose();

    [Fact]
    public async Task Submit_JsonOutput_IsTheStoredWireTask()
    {
        var run = await _buquet.RunAsync("submit", "-t", "send_email", "-i", "{\"to\":\"a@b.c\"}", "--retries", "5", "--ttl", "1h", "--json");

        Assert.True(run.ExitCode == 0, run.ToString());
        using var doc = JsonDocument.Parse(run.Stdout);
        var task = doc.RootElement;
        Assert.Equal("send_email", task.GetProperty("task_type").GetString());
        Assert.Equal("pending", task.GetProperty("status").GetString());
        Assert.Equal("a@b.c", task.GetProperty("input").GetProperty("to").GetString());
        Assert.Equal(5, task.GetProperty("max_retries").GetInt64());
        Assert.Equal(JsonValueKind.String, task.GetProperty("expires_at").ValueKind);
        var id = Guid.Parse(task.GetProperty("id").GetString()!);
        var shard = task.GetProperty("shard").GetString()!;
        var stored = await new SqliteObjectStore(_dir.StorePath).GetAsync(TaskKeys.Task(shard, id));
        Assert.NotNull(stored);
        Assert.Equal(id, TaskJson.Parse(stored.Body, stored.Key).Id);
    }

    [Fact]
    public async Task Submit_HumanOutput_PrintsIdAndSchedule()
    {
        var run = await _buquet.RunAsync("submit", "-t", "report", "--delay", "10m");

        Assert.True(run.ExitCode == 0, run.ToString());
        Assert.Matches(@"^Task submitted: [0-9a-f-]{36} \(scheduled for \d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ\)", run.Stdout);
        Assert.DoesNotContain("\u001b[", run.Stdout);
    }

    [Fact]
    public async Task Submit_InputFromFile_StoresFileContents()
    {
        await File.WriteAllTextAsync(Path.Combine(_dir.Path, "in.json"), "[1, 2, 3]");

        var run = await _buquet.RunAsync("submit", "-t", "sum", "-i", "@in.json", "--json");

        Assert.True(run.ExitCode == 0, run.ToString());
        using var doc = JsonDocument.Parse(run.Stdout);
        Assert.Equal(3, doc.RootElement.GetProperty("input").GetArrayLength());
    }

    [Fact]
    public async Task Submit_InvalidJsonInput_ExitsOneWithErrorAndSuggestion()
    {
        var run = await _buquet.RunAsync("submit", "-t", "x", "-i", "{not json");

        Assert.Equal(1, run.ExitCode);
        Assert.Contains("Error: Input from --input is not valid JSON", run.Stderr);
        Assert.Contains("Suggestion: ", run.Stderr);
        Assert.False(Directory.Exists(Path.Combine(_dir.StorePath, "tasks")), "nothing may be written for invalid input");
    }

    [Fact]
    public async Task Submit_InvalidJsonWithJsonFlag_PrintsErrorObject()
    {
        var run = await _buquet.RunAsync("submit", "-t", "x", "-i", "[1,", "--json");

        Assert.Equal(1, run.ExitCode);
        using var doc = JsonDocument.Parse(run.Stdout);
        var error = doc.RootElement.GetProperty("error");
        Assert.Contains("not valid JSON", error.GetProperty("message").GetString());
        Assert.Equal(1, error.GetProperty("exit_code").GetInt32());
        Assert.False(string.IsNullOrEmpty(error.GetProperty("suggestion").GetString()));
    }

    [Fact]
    public async Task Submit_BadDuration_ExitsOneNamingTheValue()
    {
        var run = await _buquet.RunAsync("submit", "-t", "x", "--delay", "5 fortnights");

        Assert.Equal(1, run.ExitCode);
        Assert.Contains("--delay '5 fortnights' is not a duration", run.Stderr);
        Assert.Contains("Suggestion: Use a number with a unit such as 30s", run.Stderr);
    }

    [Fact]
    public async Task Submit_AtWithDelay_ExitsOne()
    {
        var run = await _buquet.RunAsync("submit", "-t", "x", "--at", "2030-01-01T00:00:00Z", "--delay", "5m");

        Assert.Equal(1, run.ExitCode);
        Assert.Contains("--at and --delay cannot be used together", run.Stderr);
    }

    [Fact]
    public async Task Submit_MissingTaskType_ExitsOneWithHelpHint()
    {
        var run = await _buquet.RunAsync("submit", "-i", "{}");

        Assert.Equal(1, run.ExitCode);
        Assert.Contains("Error: Option '--task-type' is required", run.Stderr);
        Assert.Contains("Suggestion: Run 'buquet submit --help'", run.Stderr);
    }

    [Fact]
    public async Task Submit_WaitUntilCompleted_PrintsOutputAndExitsZero()
    {
        using var process = _buquet.Start(["submit", "-t", "echo", "-i", "{\"n\":1}", "--wait", "--wait-timeout", "30s"]);
        var first = await process.StandardOutput.ReadLineAsync().WaitAsync(TimeSpan.FromSeconds(30));
        Assert.NotNull(first);
        var id = Guid.Parse(first!["Task submitted: ".Length..].Trim());

        // Play the worker: claim and complete the task in the same local store.
        using var store = new SqliteObjectStore(_dir.StorePath);
        var repository = new TaskRepository(store, new StoreClock(store), 1);
        var claim = await repository.ClaimAsync(id, "test-worker");
        Assert.Equal(ClaimStatus.Claimed, claim.Status);
        using var output = JsonDocument.Parse("{\"echo\":{\"n\":1}}");
        await repository.CompleteAsync(claim.Snapshot!, output.RootElement.Clone(), null);

        var rest = await process.StandardOutput.ReadToEndAsync().WaitAsync(TimeSpan.FromSeconds(30));
        await process.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(30));
        Assert.Equal(0, process.ExitCode);
        using var printed = JsonDocument.Parse(rest);
        Assert.Equal(1, printed.RootElement.GetProperty("echo").GetProperty("n").GetInt32());
    }

    [Fact]
    public async Task Submit_WaitTimeout_ExitsOneWithStatus()
    {
        var run = await _buquet.RunAsync("submit", "-t", "nobody_handles_this", "--wait", "--wait-timeout", "1s");

        Assert.Equal(1, run.ExitCode);
        Assert.Contains("is still Pending after waiting 1s", run.Stderr);
        Assert.Contains("is a worker running for type 'nobody_handles_this'?", run.Stderr);
    }

    [Fact]
    public async Task Submit_WaitForTypeNoLiveWorkerHandles_WarnsNamingTypeAndWorkersAndKeepsWaiting()
    {
        // A live worker that handles other types (its registry entry, as a .NET worker writes it).
        using var store = new SqliteObjectStore(_dir.StorePath);
        var now = await store.GetServerTimeAsync();
        var worker = new WorkerInfo("worker-other", now, now.AddSeconds(30), ["0"], null, 0, 0, ["buquet.echo"]);
        await store.PutAsync(TaskKeys.Worker("worker-other"), ModelJson.Serialize(worker), PutCondition.None);

        var run = await _buquet.RunAsync("submit", "-t", "nobody_handles_this", "--wait", "--wait-timeout", "7s");

        Assert.Equal(1, run.ExitCode);
        Assert.Contains("Warning: the task is still pending after 5s and no live worker is known to handle task type 'nobody_handles_this'", run.Stderr);
        Assert.Contains("live workers: worker-other (buquet.echo)", run.Stderr);
        Assert.Contains("is still Pending after waiting 7s", run.Stderr); // it kept waiting after the warning
    }

    [Fact]
    public async Task Submit_InputOverMaxPayloadSize_ExitsOneNamingSizeAndLimitAndWritesNothing()
    {
        await File.WriteAllTextAsync(Path.Combine(_dir.Path, "small.conf"), "buquet.queue.max-payload-size = 16");

        var run = await _buquet.RunAsync("submit", "-t", "x", "-i", "{\"data\":\"0123456789abcdef\"}", "--config", "small.conf");

        Assert.Equal(1, run.ExitCode);
        Assert.Contains("Error: The task input is 27 bytes, above buquet.queue.max-payload-size = 16 (16 bytes). Nothing was submitted.", run.Stderr);
        Assert.Contains("Suggestion: ", run.Stderr);
        Assert.False(Directory.Exists(_dir.StorePath), "nothing may be written (not even the store) for an input over the limit");
    }
}
