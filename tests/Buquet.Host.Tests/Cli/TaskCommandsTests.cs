using System.Text.Json;
using Buquet.Host.Tests.Support;

namespace Buquet.Host.Tests.Cli;

/// <summary>status, history, list, cancel, replay, archive against the local-directory store.</summary>
public sealed class TaskCommandsTests : IDisposable
{
    private readonly TempDirectory _dir = new();
    private readonly BuquetProcess _buquet;

    public TaskCommandsTests() => _buquet = new BuquetProcess(_dir.Path);

    public void Dispose() => _dir.Dispose();

    private async Task<string> SubmitAsync(string type, params string[] extra)
    {
        var run = await _buquet.RunAsync(["submit", "-t", type, "--json", .. extra]);
        Assert.True(run.ExitCode == 0, run.ToString());
        using var doc = JsonDocument.Parse(run.Stdout);
        return doc.RootElement.GetProperty("id").GetString()!;
    }

    [Fact]
    public async Task Status_ExistingTask_PrintsBuquetFields()
    {
        var id = await SubmitAsync("resize", "--delay", "1h");

        var run = await _buquet.RunAsync("status", id);

        Assert.True(run.ExitCode == 0, run.ToString());
        Assert.Contains($"Task:        {id}", run.Stdout);
        Assert.Contains("Type:        resize", run.Stdout);
        Assert.Contains("Status:      Pending", run.Stdout);
        Assert.Contains("Retry Count: 0/3", run.Stdout);
        Assert.Matches(@"Available In: \d+s", run.Stdout);
    }

    [Fact]
    public async Task Status_UnknownId_ExitsOneWithSuggestion()
    {
        var id = Guid.NewGuid();

        var run = await _buquet.RunAsync("status", id.ToString());

        Assert.Equal(1, run.ExitCode);
        Assert.Contains($"Error: Task {id} not found.", run.Stderr);
        Assert.Contains("Suggestion: Check the id with 'buquet list'", run.Stderr);
    }

    [Fact]
    public async Task Status_NotAUuid_ExitsOneNamingTheValue()
    {
        var run = await _buquet.RunAsync("status", "nope-123");

        Assert.Equal(1, run.ExitCode);
        Assert.Contains("'nope-123' is not a task id", run.Stderr);
    }

    [Fact]
    public async Task Cancel_ThenHistoryReplayArchive_ReportEachOutcome()
    {
        var id = await SubmitAsync("cleanup");

        var cancel = await _buquet.RunAsync("cancel", id, "-r", "not needed", "-b", "ops", "--json");
        Assert.True(cancel.ExitCode == 0, cancel.ToString());
        using (var doc = JsonDocument.Parse(cancel.Stdout))
        {
            Assert.Equal(1, doc.RootElement.GetProperty("cancelled").GetInt32());
            Assert.Equal(0, doc.RootElement.GetProperty("failed").GetInt32());
            var t = doc.RootElement.GetProperty("tasks")[0];
            Assert.Equal(id, t.GetProperty("id").GetString());
            Assert.Equal("applied", t.GetProperty("result").GetString());
            Assert.Equal("cancelled", t.GetProperty("status").GetString());
        }

        var history = await _buquet.RunAsync("history", id, "--json");
        Assert.True(history.ExitCode == 0, history.ToString());
        using (var doc = JsonDocument.Parse(history.Stdout))
        {
            var statuses = doc.RootElement.EnumerateArray().Select(v => v.GetProperty("status").GetString()).ToList();
            Assert.Equal(["cancelled", "pending"], statuses);
            Assert.Equal("ops", doc.RootElement[0].GetProperty("cancelled_by").GetString());
        }

        var human = await _buquet.RunAsync("history", id);
        Assert.Matches(@"Version 2: Cancelled at .*\nVersion 1: Pending at ", human.Stdout.Replace("\r", ""));

        var replay = await _buquet.RunAsync("replay", id);
        Assert.Equal(1, replay.ExitCode);
        Assert.Contains("Error: Cannot replay task", replay.Stderr);

        var archive = await _buquet.RunAsync("archive", Guid.NewGuid().ToString());
        Assert.Equal(1, archive.ExitCode);
        Assert.Contains("not found", archive.Stderr);
    }

    [Fact]
    public async Task Cancel_ByTaskType_CancelsOnlyThatType()
    {
        var a1 = await SubmitAsync("alpha");
        var a2 = await SubmitAsync("alpha");
        var b = await SubmitAsync("beta");

        var run = await _buquet.RunAsync("cancel", "-t", "alpha");

        Assert.True(run.ExitCode == 0, run.ToString());
        Assert.Contains("Cancelled 2 tasks of type 'alpha' (0 failed)", run.Stdout);
        var list = await _buquet.RunAsync("list", "--status", "pending", "--json");
        using var doc = JsonDocument.Parse(list.Stdout);
        var pending = doc.RootElement.GetProperty("tasks").EnumerateArray().Select(t => t.GetProperty("id").GetString()).ToList();
        Assert.Equal([b], pending);
        Assert.DoesNotContain(a1, pending);
        Assert.DoesNotContain(a2, pending);
    }

    [Fact]
    public async Task Cancel_UnknownId_ExitsOne()
    {
        var run = await _buquet.RunAsync("cancel", Guid.NewGuid().ToString());

        Assert.Equal(1, run.ExitCode);
        Assert.Contains("not found", run.Stderr);
    }

    [Fact]
    public async Task List_Json_HasTasksTokenAndMalformed()
    {
        var id = await SubmitAsync("listed");
        await SubmitAsync("other");

        var run = await _buquet.RunAsync("list", "-t", "listed", "--json");

        Assert.True(run.ExitCode == 0, run.ToString());
        using var doc = JsonDocument.Parse(run.Stdout);
        var tasks = doc.RootElement.GetProperty("tasks");
        Assert.Equal(1, tasks.GetArrayLength());
        Assert.Equal(id, tasks[0].GetProperty("id").GetString());
        Assert.Equal(JsonValueKind.Null, doc.RootElement.GetProperty("next_page_token").ValueKind);
        Assert.Equal(0, doc.RootElement.GetProperty("malformed").GetArrayLength());
    }

    [Fact]
    public async Task List_PagesWithToken_VisitsEveryTask()
    {
        var ids = new HashSet<string>();
        for (var i = 0; i < 3; i++)
        {
            ids.Add(await SubmitAsync("paged"));
        }

        var seen = new HashSet<string>();
        string? token = null;
        var pages = 0;
        do
        {
            string[] args = token is null ? ["list", "--limit", "1", "--json"] : ["list", "--limit", "1", "--json", "--page-token", token];
            var run = await _buquet.RunAsync(args);
            Assert.True(run.ExitCode == 0, run.ToString());
            using var doc = JsonDocument.Parse(run.Stdout);
            foreach (var t in doc.RootElement.GetProperty("tasks").EnumerateArray())
            {
                seen.Add(t.GetProperty("id").GetString()!);
            }

            token = doc.RootElement.GetProperty("next_page_token").GetString();
            pages++;
        }
        while (token is not null && pages < 40);

        Assert.Equal(ids, seen);
    }

    [Fact]
    public async Task List_ShardPrefixLengthTwo_UsesTwoCharacterShards()
    {
        var submit = await _buquet.RunAsync("submit", "-t", "wide", "--shard-prefix-len", "2", "--json");
        Assert.True(submit.ExitCode == 0, submit.ToString());
        using var task = JsonDocument.Parse(submit.Stdout);
        var shard = task.RootElement.GetProperty("shard").GetString()!;
        Assert.Equal(2, shard.Length);

        var hit = await _buquet.RunAsync("list", "--shard-prefix-len", "2", "-s", shard, "--json");
        var wrongWidth = await _buquet.RunAsync("list", "-s", shard);

        Assert.True(hit.ExitCode == 0, hit.ToString());
        using var doc = JsonDocument.Parse(hit.Stdout);
        Assert.Equal(1, doc.RootElement.GetProperty("tasks").GetArrayLength());
        Assert.Equal(1, wrongWidth.ExitCode);
        Assert.Contains($"Shard '{shard}' is not one of the 16 shards", wrongWidth.Stderr);
    }

    [Fact]
    public async Task List_UnknownStatus_ExitsOneListingValidStatuses()
    {
        var run = await _buquet.RunAsync("list", "--status", "sleeping");

        Assert.Equal(1, run.ExitCode);
        Assert.Contains("--status 'sleeping' is not a task status", run.Stderr);
        Assert.Contains("pending, running, completed", run.Stderr);
    }
}
